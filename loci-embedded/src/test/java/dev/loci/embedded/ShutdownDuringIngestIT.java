package dev.loci.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.loci.Loci;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM during ingest, as a user's Ctrl-C or a service manager's stop: a child JVM ingests with
 * the real model through {@link EmbeddedLoci#open}, closing it through {@link TerminationSignals}
 * (a plain shutdown hook is not enough: see there, and {@code -Dloci.shutdown.naiveHook=true}
 * reproduces the SIGSEGV), and is
 * stopped ({@link Process#destroy()}, SIGTERM) at seeded random moments. Each trial proves: no
 * native crash (exit code 143 = 128 + SIGTERM, the JVM's code for a signalled exit with hooks run;
 * no {@code hs_err_pid*} file), every memory the child acknowledged is there when reopened, and
 * the hook's close committed the store ({@code recoveredRecords} = 0 on reopen).
 *
 * <p>Trials: {@code -Dloci.shutdown.trials=50} for a longer run (default 12, about 40 s on 2
 * cores); seed {@code -Dloci.shutdown.seed}.
 */
class ShutdownDuringIngestIT {
    /** The exit code of a JVM stopped by SIGTERM whose shutdown hooks ran. */
    static final int SIGTERM_EXIT = 143;

    @TempDir
    Path tmp;

    @Test
    void sigtermDuringIngestNeverCrashesNorLosesAcknowledgedMemories() throws Exception {
        int trials = Integer.getInteger("loci.shutdown.trials", 12);
        long seed = Long.getLong("loci.shutdown.seed", 20261205L);
        Random random = new Random(seed);
        for (int trial = 0; trial < trials; trial++) {
            Path work = Files.createDirectories(tmp.resolve("trial-" + trial));
            Path data = work.resolve("data");
            int delayMs = random.nextInt(2500); // from loading the model through many batches
            String where = "trial " + trial + " (seed " + seed + ", stop " + delayMs + " ms after READY)";
            Process child = new ProcessBuilder(javaCommand(data)).directory(work.toFile())
                    .redirectError(work.resolve("stderr.txt").toFile()).start();
            List<String> acked = new ArrayList<>();
            boolean ready = false;
            List<String> lines = new ArrayList<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try (var in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        synchronized (lines) {
                            lines.add(line);
                            lines.notifyAll();
                        }
                    }
                } catch (IOException ignored) {
                    // the child is gone
                }
            });
            synchronized (lines) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!lines.contains("READY") && child.isAlive() && System.nanoTime() < deadline) {
                    lines.wait(100);
                }
                ready = lines.contains("READY");
            }
            assertTrue(ready, where + ": child never became ready; stderr: " + stderr(work));
            Thread.sleep(delayMs);
            child.destroy();
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                fail(where + ": child did not stop within 60 s of SIGTERM");
            }
            reader.join(10_000);
            synchronized (lines) {
                for (String l : lines) {
                    if (l.startsWith("ACK ")) {
                        acked.add(l.substring(4));
                    }
                }
            }
            try (Stream<Path> files = Files.list(work)) {
                List<Path> crashes = files.filter(p -> p.getFileName().toString().startsWith("hs_err_pid")).toList();
                assertTrue(crashes.isEmpty(), where + ": native crash " + crashes + "; stderr: " + stderr(work));
            }
            assertEquals(SIGTERM_EXIT, child.exitValue(), where + ": exit code; stderr: " + stderr(work));
            try (Loci loci = EmbeddedLoci.open(data)) {
                for (String id : acked) {
                    assertTrue(loci.get(IngestUntilStopped.SCOPE, id).isPresent(), where + ": acknowledged " + id + " lost");
                }
                assertEquals("0", loci.stats().details().get("recoveredRecords"),
                        where + ": the hook's close should have committed the store");
            }
        }
    }

    private static List<String> javaCommand(Path data) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
                "--sun-misc-unsafe-memory-access=allow", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), IngestUntilStopped.class.getName(), data.toString(),
                Boolean.getBoolean("loci.shutdown.naiveHook") ? "hook" : "signals");
    }

    private static String stderr(Path work) {
        try {
            String s = Files.readString(work.resolve("stderr.txt"));
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "(no stderr: " + e.getMessage() + ")";
        }
    }
}
