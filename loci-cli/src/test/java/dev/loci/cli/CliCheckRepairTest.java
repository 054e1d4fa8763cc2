package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Scope;
import dev.loci.spi.SearchFilter;
import dev.loci.store.lucene.LuceneMemoryStore;
import dev.loci.store.lucene.LuceneStoreConfig;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.TestMemories;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loci check} and {@code loci repair}: a store the real engine wrote (turns, episodes,
 * sessions, topics, facts, profiles, then a purge) passes; a damaged log and a damaged index
 * segment are named, repaired, and pass again.
 */
class CliCheckRepairTest {
    @TempDir
    static Path dir;
    static Path engineMade;

    @BeforeAll
    static void theEngineWritesAStoreAndPurgesAUser() throws IOException {
        engineMade = dir.resolve("engine");
        Path maya = dir.resolve("conversation.json");
        try (InputStream in = CliCheckRepairTest.class.getResourceAsStream("/demo/conversation.json")) {
            Files.copy(in, maya);
        }
        Path ben = Files.writeString(dir.resolve("ben.jsonl"), """
                {"text": "I keep bees behind the old mill", "speaker": "Ben", "timestamp": "2024-04-01T09:00:00Z"}
                {"text": "My name is Ben and I live in Porto", "speaker": "Ben", "timestamp": "2024-04-01T09:01:00Z"}
                """);
        for (String[] run : List.of(
                new String[] {"ingest", "--data-dir", engineMade.toString(), "--tenant", "acme", "--user", "maya",
                        "--no-progress", maya.toString()},
                new String[] {"ingest", "--data-dir", engineMade.toString(), "--tenant", "acme", "--user", "ben",
                        "--no-progress", ben.toString()},
                new String[] {"purge", "--data-dir", engineMade.toString(), "--tenant", "acme", "--user", "ben",
                        "--yes"})) {
            CliRun r = CliRun.of(run);
            assertEquals(0, r.exit(), r.transcript());
        }
    }

    @Test
    void aStoreTheEngineWroteIsSound() {
        CliRun run = CliRun.of("check", "--data-dir", engineMade.toString());
        assertEquals(0, run.exit(), run.transcript());
        assertTrue(run.out().contains("OK: no damage found"), run.transcript());
        assertTrue(run.out().matches("(?s).*INFO +store: \\d+ memories after replay, \\d+ TURN, \\d+ EPISODE.*"),
                run.transcript());
    }

    @Test
    void aFlippedLogByteIsNamedAndRepairKeepsTheOtherWrites() throws IOException {
        Path data = crashedStore(dir.resolve("crashed"), 6);
        Path segment;
        try (Stream<Path> s = Files.list(data.resolve("wal"))) {
            segment = s.filter(p -> p.toFile().length() > 12).findFirst().orElseThrow();
        }
        try (var f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.seek(12 + 21 + 10); // inside the first record's payload
            f.write(0xFF);
        }

        CliRun check = CliRun.of("check", "--data-dir", data.toString());
        assertEquals(1, check.exit(), check.transcript());
        assertTrue(check.out().contains("ERROR    wal/" + segment.getFileName() + ": damaged at byte 12 of "),
                check.transcript());
        assertTrue(check.out().contains("checksum mismatch; 5 intact records after it"), check.transcript());
        assertTrue(check.out().contains("DAMAGED: 1 problem found; `loci repair --data-dir " + data), check.transcript());

        CliRun open = CliRun.of("stats", "--data-dir", data.toString());
        assertEquals(Main.EXIT_STORAGE, open.exit(), open.transcript());
        assertTrue(open.err().contains(segment.getFileName().toString()) && open.err().contains("loci repair"),
                open.transcript());

        CliRun repair = CliRun.of("repair", "--data-dir", data.toString());
        assertEquals(0, repair.exit(), repair.transcript());
        assertTrue(repair.out().matches("(?s).*LOST     damaged-[0-9TZ]+/wal/" + segment.getFileName()
                + ": bytes 12\\.\\.\\d+ \\(checksum mismatch\\).*"), repair.transcript());
        assertTrue(repair.out().contains("LOST     wal: record 1 is in neither the index nor the log"), repair.transcript());
        assertTrue(repair.out().contains("5 log records replayed into the new index"), repair.transcript());
        assertTrue(repair.out().contains("REPAIRED: 2 LOST lines above name what could not be kept"),
                repair.transcript());
        assertEquals(0, CliRun.of("check", "--data-dir", data.toString()).exit());
        try (var store = LuceneMemoryStore.open(data, LuceneStoreConfig.defaults())) {
            assertEquals(List.of("m1", "m2", "m3", "m4", "m5"), store.list(SearchFilter.of(new Scope("acme", null, null,
                    null)), 100).stream().map(m -> m.id()).toList());
        }
    }

    @Test
    void aDamagedIndexIsNamedAndRepaired() throws IOException {
        Path data = dir.resolve("damaged-index");
        CliCheckRepairTest.copy(engineMade, data);
        Path cfs;
        try (Stream<Path> s = Files.list(data.resolve("index"))) {
            cfs = s.filter(p -> p.toString().endsWith(".cfs") || p.toString().endsWith(".fdt")).findFirst().orElseThrow();
        }
        try (var f = new RandomAccessFile(cfs.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0xFF);
        }
        CliRun check = CliRun.of("check", "--data-dir", data.toString());
        assertEquals(1, check.exit(), check.transcript());
        assertTrue(check.out().contains("ERROR    index/_"), check.transcript());

        CliRun repair = CliRun.of("repair", "--data-dir", data.toString());
        assertEquals(0, repair.exit(), repair.transcript());
        assertTrue(repair.out().contains("LOST     index: "), repair.transcript());
        assertEquals(0, CliRun.of("check", "--data-dir", data.toString()).exit());
    }

    @Test
    void aMissingDirectoryIsBadInputAndAnOpenStoreIsBusy() {
        CliRun missing = CliRun.of("check", "--data-dir", dir.resolve("nope").toString());
        assertEquals(Main.EXIT_BAD_INPUT, missing.exit(), missing.transcript());
        assertTrue(missing.err().contains("loci check: error: --data-dir: " + dir.resolve("nope")
                + ": no such data directory"), missing.transcript());

        Path busy = dir.resolve("busy");
        try (var store = LuceneMemoryStore.open(busy, LuceneStoreConfig.defaults())) {
            CliRun run = CliRun.of("repair", "--data-dir", busy.toString());
            assertEquals(Main.EXIT_STORAGE, run.exit(), run.transcript());
            assertTrue(run.err().contains("loci repair: error: "), run.transcript());
        }
    }

    /** A store with {@code n} one-memory writes in its log only, as {@code kill -9} leaves it. */
    private static Path crashedStore(Path to, int n) throws IOException {
        Path live = dir.resolve(to.getFileName() + "-live");
        var embedder = new HashingEmbedder(8);
        try (var store = LuceneMemoryStore.open(live, LuceneStoreConfig.defaults())) {
            for (int i = 0; i < n; i++) {
                store.write(List.of(TestMemories.stored(TestMemories.turn("m" + i, new Scope("acme", "maya", null, null),
                        "Maya", "note " + i, Instant.parse("2024-01-01T00:00:00Z").plusSeconds(i)), embedder)));
            }
            copy(live, to);
        }
        return to;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                String name = p.getFileName().toString();
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!name.equals("loci.lock") && !name.equals("write.lock")) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
