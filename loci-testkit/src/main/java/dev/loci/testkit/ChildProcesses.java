package dev.loci.testkit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child processes that tests stop with signals. A process started in the background of a
 * non-interactive shell (a CI runner, {@code nohup}, {@code cmd &}) inherits SIGINT <em>ignored</em>,
 * and so does every process it starts; a JVM keeps an ignored SIGINT ignored, as Unix programs do,
 * so a test that sends SIGINT to its child would wait for nothing. Commands wrapped here start with
 * SIGINT back at its default, through coreutils' {@code env --default-signal}.
 */
public final class ChildProcesses {
    private static final boolean ENV_RESETS_SIGNALS = envResetsSignals();

    private ChildProcesses() {
    }

    /** {@code command} started with SIGINT at its default disposition, wherever the machine can. */
    public static List<String> withDefaultSigint(List<String> command) {
        if (!ENV_RESETS_SIGNALS) {
            return command;
        }
        List<String> out = new ArrayList<>(command.size() + 2);
        out.add("env");
        out.add("--default-signal=INT");
        out.addAll(command);
        return out;
    }

    /** Whether SIGINT reaches a child as sent: it is not ignored here, or {@code env} can reset it. */
    public static boolean sigintReachesChildren() {
        return ENV_RESETS_SIGNALS || !sigintIgnoredHere();
    }

    /** Skips the calling test, saying why, when a SIGINT it sends could not reach its child. */
    public static void assumeSigintReachesChildren() {
        org.junit.jupiter.api.Assumptions.assumeTrue(sigintReachesChildren(),
                "SIGINT is ignored in this process (started in the background) and env cannot reset it for the child");
    }

    private static boolean envResetsSignals() {
        try {
            Process p = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGINT (bit 1 of the mask) in this process's ignored signals, from /proc; false where /proc cannot say. */
    private static boolean sigintIgnoredHere() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 0x2L) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }
}
