package dev.loci.server.cli;

import java.lang.System.Logger.Level;

/**
 * SIGTERM and SIGINT as ordinary events, so {@code loci serve} can drain, close and exit 0 instead
 * of being ended by the JVM's default handlers (exit status 143 or 130). Uses {@code sun.misc.Signal}
 * (module jdk.unsupported), the only JDK way to handle a signal; where it is missing the caller
 * falls back on a shutdown hook.
 */
final class Signals {
    private static final System.Logger LOG = System.getLogger("dev.loci.server");

    private Signals() {
    }

    /**
     * Runs {@code action} on its own thread at the first SIGTERM or SIGINT (later ones are ignored:
     * the action is already draining).
     *
     * @return whether both signals are handled
     */
    static boolean onTermination(Runnable action) {
        var once = new java.util.concurrent.atomic.AtomicBoolean();
        sun.misc.SignalHandler handler = signal -> {
            if (once.compareAndSet(false, true)) {
                LOG.log(Level.INFO, "SIG" + signal.getName() + ": draining requests and closing the store");
                Thread.ofPlatform().name("loci-server-stop").start(action);
            }
        };
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.log(Level.WARNING, "cannot handle SIGTERM/SIGINT here (" + e.getMessage() + "); relying on a shutdown hook");
            return false;
        }
    }
}
