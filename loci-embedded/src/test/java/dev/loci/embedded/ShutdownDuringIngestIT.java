package dev.loci.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.loci.Loci;
import dev.loci.Message;
import dev.loci.testkit.ChildProcesses;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM and SIGINT during ingest and recall, as a user's Ctrl-C or a service manager's stop: a
 * child JVM works with the real model through {@link EmbeddedLoci#open}, closing it through
 * {@link TerminationSignals} (a plain shutdown hook is not enough: see there, and
 * {@code -Dloci.shutdown.naiveHook=true} reproduces the SIGSEGV), and is signalled at seeded random
 * moments (even trials count from READY, when the model may still be loading; odd ones from the
 * first acknowledged batch or recall). Each trial proves: no native crash (exit code 143 = 128 + SIGTERM or 130 = 128 + SIGINT,
 * the JVM's codes for a signalled exit with hooks run; no {@code hs_err_pid*} file), every memory
 * the child acknowledged (or the store held before) is there when reopened, and the close on the
 * signal committed the store ({@code recoveredRecords} = 0 on reopen: recall writes too, its
 * access counts).
 *
 * <p>Trials: {@code -Dloci.shutdown.trials=50} for a longer run of each test (defaults 12 and 3,
 * about 40 s and 12 s on 2 cores); seed {@code -Dloci.shutdown.seed}.
 */
class ShutdownDuringIngestIT {
    /** The exit code of a JVM stopped by SIGTERM whose shutdown hooks ran. */
    static final int SIGTERM_EXIT = 143;
    /** The same for SIGINT (Ctrl-C). */
    static final int SIGINT_EXIT = 130;

    private enum Work { INGEST, RECALL }

    private enum Signal { TERM, INT }

    @TempDir
    Path tmp;

    @Test
    void sigtermDuringIngestNeverCrashesNorLosesAcknowledgedMemories() throws Exception {
        int trials = Integer.getInteger("loci.shutdown.trials", 12);
        long seed = Long.getLong("loci.shutdown.seed", 20261205L);
        Random random = new Random(seed);
        for (int trial = 0; trial < trials; trial++) {
            trial(Work.INGEST, Signal.TERM, trial, seed, random.nextInt(2500), null); // from loading the model through many batches
        }
    }

    /**
     * The other moments a process is stopped: recall and context (which also write access counts)
     * under SIGTERM and SIGINT, and ingest under SIGINT. Trials cycle through recall + SIGTERM,
     * ingest + SIGINT, recall + SIGINT, ingest + SIGTERM.
     */
    @Test
    void sigintAndSigtermDuringRecallAndIngestNeverCrashNorLoseMemories() throws Exception {
        ChildProcesses.assumeSigintReachesChildren();
        int trials = Integer.getInteger("loci.shutdown.trials", 3);
        long seed = Long.getLong("loci.shutdown.seed", 20261205L);
        Random random = new Random(seed ^ 0x5EED);
        Path filled = tmp.resolve("filled");
        List<String> held = fill(filled);
        for (int trial = 0; trial < trials; trial++) {
            Work work = trial % 2 == 0 ? Work.RECALL : Work.INGEST;
            Signal signal = trial % 4 == 0 || trial % 4 == 3 ? Signal.TERM : Signal.INT;
            Path data = tmp.resolve("mixed-" + trial).resolve("data");
            copy(filled, data);
            trial(work, signal, trial, seed, random.nextInt(2500), new Store(data, held));
        }
    }

    /** A data directory a trial starts from, and the memories it holds. */
    private record Store(Path data, List<String> ids) {
    }

    private void trial(Work work, Signal signal, int trial, long seed, int delayMs, Store start) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(work + "-" + signal + "-" + trial));
        Path data = start != null ? start.data() : dir.resolve("data");
        String where = "trial " + trial + " (" + work + ", SIG" + signal + ", seed " + seed + ", signal " + delayMs
                + " ms after READY)";
        Process child = new ProcessBuilder(javaCommand(data, work)).directory(dir.toFile())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
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
        boolean ready;
        synchronized (lines) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!lines.contains("READY") && child.isAlive() && System.nanoTime() < deadline) {
                lines.wait(100);
            }
            ready = lines.contains("READY");
        }
        assertTrue(ready, where + ": child never became ready; stderr: " + stderr(dir));
        if (trial % 2 == 1) {
            // Every other trial counts from the first answer instead: on a loaded machine the model
            // alone can take longer than the whole delay, and the signal must also land mid-work.
            String first = work == Work.RECALL ? "RECALLED " : "ACK ";
            where = where.replace("after READY", "after the first " + first.strip());
            synchronized (lines) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (lines.stream().noneMatch(l -> l.startsWith(first)) && child.isAlive() && System.nanoTime() < deadline) {
                    lines.wait(100);
                }
            }
        }
        Thread.sleep(delayMs);
        signal(child, signal);
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            fail(where + ": child did not stop within 60 s of the signal");
        }
        reader.join(10_000);
        List<String> expected = new ArrayList<>(start != null ? start.ids() : List.of());
        synchronized (lines) {
            for (String l : lines) {
                if (l.startsWith("ACK ")) {
                    expected.add(l.substring(4));
                }
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> crashes = files.filter(p -> p.getFileName().toString().startsWith("hs_err_pid")).toList();
            assertTrue(crashes.isEmpty(), where + ": native crash " + crashes + "; stderr: " + stderr(dir));
        }
        assertEquals(signal == Signal.TERM ? SIGTERM_EXIT : SIGINT_EXIT, child.exitValue(),
                where + ": exit code; stderr: " + stderr(dir));
        try (Loci loci = EmbeddedLoci.open(data)) {
            for (String id : expected) {
                assertTrue(loci.get(IngestUntilStopped.SCOPE, id).isPresent(), where + ": memory " + id + " lost");
            }
            assertEquals("0", loci.stats().details().get("recoveredRecords"),
                    where + ": the close on the signal should have committed the store");
        }
        int held = start != null ? start.ids().size() : 0;
        System.out.printf(java.util.Locale.ROOT, "shutdown %s: exit %d, no hs_err, %d acknowledged and %d held before, 0 lost%n",
                where, child.exitValue(), expected.size() - held, held);
    }

    /** SIGTERM through {@link Process#destroy()}; SIGINT (the JDK cannot send it) through kill(1). */
    private static void signal(Process child, Signal signal) throws Exception {
        if (signal == Signal.TERM) {
            child.destroy();
        } else {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -INT " + child.pid());
        }
    }

    /** A store with a few conversations to recall from, made in this JVM; the ids it holds. */
    private static List<String> fill(Path data) {
        List<Message> messages = new ArrayList<>();
        Instant t = Instant.parse("2024-03-02T18:00:00Z");
        String[] notes = {"We walked the greyhound Biscuit along the river.", "The Lisbon half marathon is in October.",
                "Maya started learning Portuguese two weeks ago.", "Biscuit is afraid of bicycles.",
                "We booked a flat near Alfama for the race weekend.", "Maya's knee hurt after the long run."};
        for (int i = 0; i < 24; i++) {
            messages.add(Message.of("Maya", "Note " + i + ": " + notes[i % notes.length], t.plusSeconds(3600L * i))
                    .withClientId("filled-" + i));
        }
        try (Loci loci = EmbeddedLoci.open(data)) {
            return loci.remember(IngestUntilStopped.SCOPE, messages).ids();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("write.lock")) {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static List<String> javaCommand(Path data, Work work) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return ChildProcesses.withDefaultSigint(List.of(java, "--enable-native-access=ALL-UNNAMED", "--add-modules",
                "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), IngestUntilStopped.class.getName(), data.toString(),
                Boolean.getBoolean("loci.shutdown.naiveHook") ? "hook" : "signals", work == Work.RECALL ? "recall" : "ingest"));
    }

    private static String stderr(Path dir) {
        try {
            String s = Files.readString(dir.resolve("stderr.txt"));
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "(no stderr: " + e.getMessage() + ")";
        }
    }
}
