package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.loci.testkit.ChildProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code loci eval} process (a child JVM, the real model, a LoCoMo-format file generated here)
 * stopped by SIGTERM or SIGINT while it runs: it exits within {@link #EXIT_BOUND_MILLIS} with 143 or
 * 130, says so in one line, prints no stack trace, and leaves no temporary store (nor a report) in
 * its output directory.
 */
class EvalSignalIT {
    /** From the signal to the exit: closing waits for an embedding run in flight, a few ms to a second. */
    static final long EXIT_BOUND_MILLIS = 10_000;

    @TempDir
    Path dir;

    @Test
    void sigtermMidRunExits143AndLeavesNoStore() throws Exception {
        trial("TERM", 143, 11);
    }

    @Test
    void sigintMidRunExits130AndLeavesNoStore() throws Exception {
        ChildProcesses.assumeSigintReachesChildren();
        trial("INT", 130, 12);
    }

    private void trial(String signal, int expectedExit, long seed) throws Exception {
        Path file = dataset(dir.resolve("conversations.json"), seed);
        Path out = dir.resolve("out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = ChildProcesses.withDefaultSigint(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "eval", "locomo",
                file.toString(), "--out", out.toString(), "--pipelines", "loci"));
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        Process child = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile()).start();
        try {
            // mid-run: the store is open (its log exists), then a seeded moment into ingest
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (stores(out).stream().noneMatch(d -> Files.isDirectory(d.resolve("wal")))) {
                if (!child.isAlive() || System.nanoTime() > deadline) {
                    fail("the eval never opened its store (exit " + (child.isAlive() ? "none" : child.exitValue())
                            + "): " + Files.readString(stderr));
                }
                Thread.sleep(20);
            }
            Thread.sleep(300 + new Random(seed).nextInt(1200));
            assertTrue(child.isAlive() && !Files.exists(out.resolve("report.md")),
                    "the eval finished before the signal; the data set is too small: " + Files.readString(stderr));
            long signalled = System.nanoTime();
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).start();
            assertEquals(0, kill.waitFor(), "kill -" + signal);
            boolean exited = child.waitFor(EXIT_BOUND_MILLIS, TimeUnit.MILLISECONDS);
            long millis = (System.nanoTime() - signalled) / 1_000_000;
            assertTrue(exited, "still running " + EXIT_BOUND_MILLIS + " ms after SIG" + signal);
            String err = Files.readString(stderr);
            System.out.printf(Locale.ROOT, "eval stopped by SIG%s: exit %d after %d ms%n", signal, child.exitValue(),
                    millis);
            assertEquals(expectedExit, child.exitValue(), err);
            assertFalse(err.contains("\tat ") || err.contains("Exception") || err.contains("internal error"),
                    "no stack trace: " + err);
            List<String> stopped = err.lines().filter(l -> l.startsWith("loci eval: stopped by a signal")).toList();
            assertEquals(1, stopped.size(), err);
            assertTrue(stopped.getFirst().contains("removed its temporary store " + out.resolve("data-")), err);
            assertEquals(List.of(), stores(out), "no temporary store is left behind");
            assertFalse(Files.exists(out.resolve("report.md")) || Files.exists(out.resolve("report.json")));
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith("hs_err")).toList(),
                        "no native crash");
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static List<Path> stores(Path out) throws IOException {
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(out)) {
            return children.filter(p -> p.getFileName().toString().startsWith("data-")).toList();
        }
    }

    /** A LoCoMo-format file of 3 conversations, 6 sessions of 30 turns each, and 10 questions apiece. */
    static Path dataset(Path file, long seed) throws IOException {
        String[] words = ("garden kayak choir tulips bread bees honey chess violin market river bicycle lantern "
                + "orchard recipe train museum harbor winter letter sister tomorrow painted moved").split(" ");
        var random = new Random(seed);
        var json = new StringBuilder("[");
        for (int c = 0; c < 3; c++) {
            json.append(c == 0 ? "" : ",").append("{\"sample_id\":\"gen-").append(c)
                    .append("\",\"conversation\":{\"speaker_a\":\"Ana\",\"speaker_b\":\"Ben\"");
            for (int s = 1; s <= 6; s++) {
                json.append(",\"session_").append(s).append("_date_time\":\"9:15 am on ").append(s)
                        .append(" May, 2023\",\"session_").append(s).append("\":[");
                for (int t = 1; t <= 30; t++) {
                    var text = new StringBuilder(t % 2 == 0 ? "Ben" : "Ana").append(" said");
                    for (int w = 0; w < 12; w++) {
                        text.append(' ').append(words[random.nextInt(words.length)]);
                    }
                    json.append(t == 1 ? "" : ",").append("{\"speaker\":\"").append(t % 2 == 0 ? "Ben" : "Ana")
                            .append("\",\"dia_id\":\"D").append(s).append(':').append(t).append("\",\"text\":\"")
                            .append(text).append(".\"}");
                }
                json.append(']');
            }
            json.append("},\"qa\":[");
            var qa = new ArrayList<String>();
            for (int q = 0; q < 10; q++) {
                qa.add("{\"question\":\"What did Ana say about the " + words[random.nextInt(words.length)]
                        + "?\",\"answer\":\"" + words[random.nextInt(words.length)] + "\",\"evidence\":[\"D"
                        + (1 + random.nextInt(6)) + ":" + (1 + 2 * random.nextInt(15)) + "\"],\"category\":4}");
            }
            json.append(String.join(",", qa)).append("]}");
        }
        Files.writeString(file, json.append(']').toString());
        return file;
    }
}
