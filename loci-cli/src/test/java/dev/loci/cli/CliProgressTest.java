package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Off a terminal, progress is whole lines now and then, never frames redrawn with carriage returns. */
class CliProgressTest {
    @TempDir
    Path dir;

    @Test
    void offATerminalProgressIsAPlainLineEveryTenSeconds() {
        var err = new ByteArrayOutputStream();
        var clock = new AtomicLong();
        try (var progress = new Progress.Lines("ingest", 3000, "messages",
                new PrintStream(err, true, StandardCharsets.UTF_8), clock::get)) {
            for (int i = 0; i < 10; i++) {
                clock.addAndGet(3_000_000_000L); // 3 s per chunk of 300
                progress.step(300);
            }
        }
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("ingest: 1200 of 3000 messages (40%), 100 messages/s",
                "ingest: 2400 of 3000 messages (80%), 100 messages/s"), lines, "at 12 s and at 24 s, not at the end");
    }

    @Test
    void aPipedIngestPrintsItsSummaryOnALineOfItsOwn() throws Exception {
        Path file = Files.writeString(dir.resolve("small.jsonl"), """
                {"text": "We adopted a greyhound called Biscuit.", "speaker": "Maya", "timestamp": "2024-03-02T18:10:00Z"}
                {"text": "I'm allergic to peanuts.", "speaker": "Maya", "timestamp": "2024-03-02T18:11:00Z"}
                """);
        CliRun run = CliRun.of("ingest", "--data-dir", dir.resolve("data").toString(), "--tenant", "acme",
                file.toString());
        assertEquals(0, run.exit(), run.transcript());
        assertFalse(Progress.interactive(), "tests run off a terminal");
        assertFalse(run.err().contains("\r") || run.err().contains("ingest"),
                "a short ingest off a terminal prints no progress: " + run.err());
        String summary = run.out().strip();
        assertEquals(1, summary.lines().count(), run.out());
        assertTrue(summary.matches("ingested 2 messages \\(2 new, 0 already present\\) in \\d+\\.\\d s "
                + "\\((too quick to time|\\d+ messages/s)\\), after \\d+\\.\\d s loading the embedding model and "
                + "opening .*"), summary);
    }

    @Test
    void theRateCountsTheWorkNotTheModelLoad() {
        assertEquals("too quick to time", IngestCommand.rate(9, 0.05));
        assertEquals("30 messages/s", IngestCommand.rate(9, 0.3));
    }
}
