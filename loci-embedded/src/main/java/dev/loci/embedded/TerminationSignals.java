package dev.loci.embedded;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes open Loci instances on SIGTERM and SIGINT <em>before</em> the JVM runs its shutdown hooks,
 * then exits with the JVM's usual status for the signal (143 for SIGTERM, 130 for SIGINT).
 *
 * <p><b>Why not a shutdown hook.</b> ONNX Runtime's Java binding registers its own shutdown hook,
 * which releases the native ONNX environment. The JVM runs hooks concurrently and in no order, so
 * a hook that closes Loci cannot stop that release from happening while an embedding run is still
 * inside {@code OrtSession.run}: the process dies with SIGSEGV in libonnxruntime. Handling the
 * signal first, closing (which waits for runs in flight), and only then exiting puts the release
 * after the last run. Uses {@code sun.misc.Signal} (module jdk.unsupported); where signals cannot
 * be handled it falls back on a shutdown hook and says so.
 *
 * <p>Thread-safe. A process has one handler per signal: every instance registered here is closed
 * by it, in reverse order of registration.
 */
public final class TerminationSignals {
    private static final System.Logger LOG = System.getLogger(TerminationSignals.class.getName());
    /** Weakly held: an instance its owner closed and dropped is not kept alive by being registered. */
    private static final List<WeakReference<AutoCloseable>> OPEN = new ArrayList<>(); // guarded by itself
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    private static final AtomicBoolean STOPPING = new AtomicBoolean();

    private TerminationSignals() {
    }

    /**
     * Closes {@code resource} (e.g. a Loci instance) when the process gets SIGTERM or SIGINT, then
     * exits with status 128 + the signal's number. Closing it earlier is fine (close is idempotent).
     */
    public static void closeOnTermination(AutoCloseable resource) {
        synchronized (OPEN) {
            OPEN.removeIf(r -> r.get() == null);
            OPEN.add(new WeakReference<>(resource));
        }
        if (INSTALLED.compareAndSet(false, true)) {
            install();
        }
    }

    private static void install() {
        sun.misc.SignalHandler handler = signal -> {
            if (STOPPING.compareAndSet(false, true)) {
                // Not on the signal dispatcher: closing may take a while (it waits for embedding runs).
                Thread.ofPlatform().name("loci-terminate").start(() -> {
                    closeAll();
                    Runtime.getRuntime().exit(128 + signal.getNumber());
                });
            }
        };
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot handle SIGTERM/SIGINT here (" + e.getMessage()
                    + "); closing from a shutdown hook, which can race ONNX Runtime's own");
            Runtime.getRuntime().addShutdownHook(new Thread(TerminationSignals::closeAll, "loci-shutdown"));
        }
    }

    private static void closeAll() {
        List<AutoCloseable> all;
        synchronized (OPEN) {
            all = new ArrayList<>();
            for (WeakReference<AutoCloseable> r : OPEN.reversed()) {
                AutoCloseable c = r.get();
                if (c != null) {
                    all.add(c);
                }
            }
            OPEN.clear();
        }
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + c + " on termination failed", e);
            }
        }
    }
}
