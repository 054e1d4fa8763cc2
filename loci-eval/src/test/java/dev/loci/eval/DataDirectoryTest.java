package dev.loci.eval;

import dev.loci.engine.LociEngine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Loci;
import dev.loci.LociConfig;
import dev.loci.testkit.ForwardingStore;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.InMemoryStore;
import dev.loci.testkit.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scratch data directory a benchmark opens the engine on: the engine is closed while its
 * directory still exists (a durable store writes on close), and the directory is gone afterwards.
 */
class DataDirectoryTest {
    @TempDir
    Path out;

    /** The in-memory store, noting whether its data directory still existed when it was closed. */
    private static final class ProbeStore extends ForwardingStore {
        private final Path dataDir;
        private final List<Boolean> dirExistedAtClose;

        ProbeStore(Path dataDir, List<Boolean> dirExistedAtClose) {
            super(new InMemoryStore());
            this.dataDir = dataDir;
            this.dirExistedAtClose = dirExistedAtClose;
        }

        @Override
        public void close() {
            dirExistedAtClose.add(Files.isDirectory(dataDir));
        }
    }

    private static LociFactory probing(List<Boolean> dirExistedAtClose) {
        return dir -> LociEngine.builder().embedder(new HashingEmbedder()).store(new ProbeStore(dir, dirExistedAtClose))
                .clock(new ManualClock(Fixtures.T0)).random(new Random(1)).config(LociConfig.defaults()).build();
    }

    private Set<String> leftInOut() throws IOException {
        try (var files = Files.list(out)) {
            return Set.copyOf(files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void locomoClosesTheEngineBeforeDeletingItsDirectory() throws IOException {
        var closes = new ArrayList<Boolean>();
        new LocomoBenchmark(LocomoBenchmark.Options.defaults())
                .run(Fixtures.path("locomo-mini.json"), out, probing(closes), ProgressListener.NONE);
        assertEquals(List.of(true), closes);
        assertEquals(Set.of("report.json", "report.md"), leftInOut());
    }

    @Test
    void longMemEvalClosesTheEngineBeforeDeletingItsDirectory() throws IOException {
        var closes = new ArrayList<Boolean>();
        new LongMemEvalBenchmark(LongMemEvalBenchmark.Options.defaults())
                .run(Fixtures.path("longmemeval-mini.json"), out, probing(closes), ProgressListener.NONE);
        assertEquals(List.of(true), closes, "a durable store commits on close, into a directory that must still exist");
        assertEquals(Set.of("report.json", "report.md"), leftInOut());
    }

    @Test
    void aLongMemEvalRunThatFailsOnABadItemLeavesNoDataDirectory() throws IOException {
        Path bad = out.resolve("in").resolve("bad-item.json");
        Files.createDirectories(bad.getParent());
        Files.writeString(bad, """
                [{"question_id": "q1", "question_type": "single-session-user", "question": "Where?",
                  "haystack_session_ids": ["s1"], "haystack_dates": ["2023/05/20 (Sat) 02:21"],
                  "haystack_sessions": [[{"role": "user"}]], "answer_session_ids": ["s1"]}]
                """);
        Path reports = out.resolve("reports");
        var closes = new ArrayList<Boolean>();
        assertThrowsEvalData(() -> new LongMemEvalBenchmark(LongMemEvalBenchmark.Options.defaults())
                .run(bad, reports, probing(closes), ProgressListener.NONE));
        assertEquals(List.of(true), closes);
        try (var files = Files.list(reports)) {
            assertEquals(List.of(), files.toList());
        }
    }

    private static void assertThrowsEvalData(Executable run) {
        var e = assertThrows(EvalDataException.class, run);
        assertTrue(e.getMessage().contains("content"), e.getMessage());
    }
}
