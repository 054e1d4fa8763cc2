package dev.loci.store.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.DataDirLockedException;
import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.StorageException;
import dev.loci.spi.StoredMemory;
import dev.loci.store.lucene.StoreReport.Level;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.ManualClock;
import dev.loci.testkit.TestMemories;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StoreCheck} and {@link StoreRepair} on real stores damaged the ways disks and crashes
 * damage them: a torn log tail, a flipped byte in the middle of the log, a deleted index file,
 * links to memories that are gone.
 */
class StoreCheckRepairTest {
    private static final Scope SCOPE = new Scope("acme", "maya", null, "s1");
    private static final Instant T0 = Instant.parse("2024-03-02T18:10:00Z");
    private final HashingEmbedder embedder = new HashingEmbedder(16);
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    @TempDir
    Path tmp;

    private StoredMemory turn(int i) {
        return TestMemories.stored(TestMemories.turn("t" + i, SCOPE, "Maya", "message number " + i, T0.plusSeconds(i)),
                embedder);
    }

    /**
     * A store whose first {@code committed} memories are in the index and the next {@code logged}
     * only in the log, one write each, as a crash leaves it.
     */
    private Path crashedStore(int committed, int logged) throws IOException {
        Path live = tmp.resolve("live");
        Path crashed = tmp.resolve("crashed");
        try (var store = LuceneMemoryStore.open(live, LuceneStoreConfig.defaults())) {
            for (int i = 0; i < committed; i++) {
                store.write(List.of(turn(i)));
            }
            store.checkpoint();
            for (int i = committed; i < committed + logged; i++) {
                store.write(List.of(turn(i)));
            }
            CrashCopy.copyAsAfterACrash(live, crashed);
        }
        return crashed;
    }

    private static Path onlyLogSegmentWithRecords(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("wal"))) {
            return s.filter(p -> p.toFile().length() > WalSegmentReader.HEADER_BYTES).findFirst().orElseThrow();
        }
    }

    private static List<String> ids(Path dir) {
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            var out = new ArrayList<String>();
            for (Memory m : store.list(dev.loci.spi.SearchFilter.of(new Scope("acme", null, null, null)), 1000)) {
                out.add(m.id());
            }
            return out;
        }
    }

    @Test
    void aSoundStorePassesWithItsFigures() throws IOException {
        Path dir = crashedStore(5, 3);
        StoreReport report = StoreCheck.check(dir);
        assertTrue(report.ok(), report.lines().toString());
        assertTrue(report.lines().stream().anyMatch(l -> l.text().contains("5 memories, last commit")), report.toString());
        assertTrue(report.lines().stream().anyMatch(l -> l.text().contains("3 after the index's last commit")),
                report.toString());
        assertTrue(report.lines().stream().anyMatch(l -> l.text().startsWith("8 memories after replay")), report.toString());
    }

    @Test
    void aTornTailIsAWarningAndTheAcknowledgedWritesSurvive() throws IOException {
        Path dir = crashedStore(2, 3);
        Path segment = onlyLogSegmentWithRecords(dir);
        try (var f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.setLength(f.length() - 5);
        }
        StoreReport report = StoreCheck.check(dir);
        assertTrue(report.ok(), report.toString());
        assertEquals(1, report.lines(Level.WARNING).size(), report.toString());
        assertTrue(report.lines(Level.WARNING).getFirst().subject().contains(segment.getFileName().toString()));
        assertEquals(List.of("t0", "t1", "t2", "t3"), ids(dir)); // t4 was cut: the crash tore its write
    }

    @Test
    void aFlippedByteInTheMiddleOfTheLogFailsCheckAndOpenAndRepairKeepsTheRest() throws IOException {
        Path dir = crashedStore(2, 5);
        Path segment = onlyLogSegmentWithRecords(dir);
        List<Long> starts = recordStarts(segment);
        flip(segment, starts.get(2) + WalSegmentReader.RECORD_HEADER_BYTES + 3); // inside the payload of t4

        StoreReport report = StoreCheck.check(dir);
        assertFalse(report.ok());
        StoreReport.Line error = report.lines(Level.ERROR).getFirst();
        assertTrue(error.subject().endsWith(segment.getFileName().toString()), error.toString());
        assertTrue(error.text().contains("byte " + starts.get(2)) && error.text().contains("checksum mismatch")
                && error.text().contains("2 intact records after it"), error.toString());

        var open = assertThrows(StorageException.class, () -> LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults()));
        assertTrue(open.getMessage().contains(segment.getFileName().toString()), open.getMessage());

        StoreReport repaired = StoreRepair.repair(dir, LuceneStoreConfig.defaults(), clock);
        assertTrue(repaired.lines(Level.LOST).stream().anyMatch(l -> l.text().contains("bytes " + starts.get(2))),
                repaired.toString());
        assertTrue(repaired.lines(Level.LOST).stream().anyMatch(l -> l.text().startsWith("record 5 is in neither")),
                repaired.toString());
        assertTrue(repaired.ok(), repaired.toString());
        assertEquals(List.of("t0", "t1", "t2", "t3", "t5", "t6"), ids(dir));
        assertTrue(StoreCheck.check(dir).ok());
        assertTrue(Files.isDirectory(dir.resolve("damaged-20260101T000000Z").resolve("wal")));
    }

    @Test
    void aDeletedIndexFileIsReportedAndRepairRebuildsFromTheLog() throws IOException {
        Path dir = crashedStore(3, 2);
        try (Stream<Path> s = Files.list(dir.resolve("index"))) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("segments_")).toList()) {
                Files.delete(p);
            }
        }
        StoreReport report = StoreCheck.check(dir);
        assertFalse(report.ok());
        assertTrue(report.lines(Level.ERROR).stream().anyMatch(l -> l.subject().equals("index")
                && l.text().contains("no commit")), report.toString());
        assertTrue(report.lines(Level.ERROR).stream().anyMatch(l -> l.text().contains("memories committed before log record")),
                report.toString());

        StoreReport repaired = StoreRepair.repair(dir, LuceneStoreConfig.defaults(), clock);
        assertTrue(repaired.ok(), repaired.toString());
        assertTrue(repaired.lines(Level.LOST).stream().anyMatch(l -> l.subject().equals("index")), repaired.toString());
        assertEquals(List.of("t3", "t4"), ids(dir)); // what the log held; the committed three were only in the index
    }

    @Test
    void aDamagedIndexSegmentIsNamedAndRepairKeepsTheOtherSegments() throws IOException {
        Path live = tmp.resolve("segments");
        try (var store = LuceneMemoryStore.open(live, LuceneStoreConfig.defaults())) {
            store.write(List.of(turn(0), turn(1)));
            store.checkpoint();
            store.write(List.of(turn(2), turn(3), turn(4)));
            store.checkpoint();
        }
        Path victim;
        try (Stream<Path> s = Files.list(live.resolve("index"))) {
            victim = s.filter(p -> p.getFileName().toString().startsWith("_1") && p.toString().endsWith(".cfs"))
                    .findFirst().orElseThrow();
        }
        flip(victim, Files.size(victim) / 2);
        StoreReport report = StoreCheck.check(live);
        assertFalse(report.ok());
        assertTrue(report.lines(Level.ERROR).getFirst().subject().equals("index/_1"), report.toString());

        StoreReport repaired = StoreRepair.repair(live, LuceneStoreConfig.defaults(), clock);
        assertTrue(repaired.ok(), repaired.toString());
        assertTrue(repaired.lines(Level.LOST).stream().anyMatch(l -> l.text().startsWith("3 memories in damaged")),
                repaired.toString());
        assertEquals(List.of("t0", "t1"), ids(live));
    }

    @Test
    void danglingLinksAreErrorsAndRepairMendsThem() throws IOException {
        Path dir = tmp.resolve("links");
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            Memory episode = TestMemories.withKindAndMeta(TestMemories.turn("ep1", SCOPE, null, "episode", T0), Kind.EPISODE,
                    java.util.Map.of()).toBuilder().childIds(List.of("gone1", "gone2")).build();
            Memory turn = TestMemories.turn("t1", SCOPE, "Maya", "hello", T0).toBuilder().parentId("ep-missing").build();
            Memory kept = TestMemories.withKindAndMeta(TestMemories.turn("ep2", SCOPE, null, "episode two", T0),
                    Kind.EPISODE, java.util.Map.of()).toBuilder().childIds(List.of("t1", "gone3")).build();
            store.write(List.of(TestMemories.stored(episode, embedder), TestMemories.stored(turn, embedder),
                    TestMemories.stored(kept, embedder)));
        }
        StoreReport report = StoreCheck.check(dir);
        assertFalse(report.ok());
        assertEquals(3, report.lines(Level.ERROR).size(), report.toString());

        StoreRepair.repair(dir, LuceneStoreConfig.defaults(), clock);
        assertTrue(StoreCheck.check(dir).ok());
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            assertEquals(List.of(), store.get("acme", "ep1").orElseThrow().childIds(),
                    "an episode whose turns are all gone keeps its text");
            assertEquals(null, store.get("acme", "t1").orElseThrow().parentId());
            assertEquals(List.of("t1"), store.get("acme", "ep2").orElseThrow().childIds());
        }
    }

    @Test
    void aStoreInUseIsNotChecked() {
        Path dir = tmp.resolve("busy");
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            assertThrows(DataDirLockedException.class, () -> StoreCheck.check(dir));
            assertThrows(DataDirLockedException.class, () -> StoreRepair.repair(dir, LuceneStoreConfig.defaults(), clock));
        }
    }

    private static void flip(Path file, long at) throws IOException {
        try (var f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5A);
        }
    }

    private static List<Long> recordStarts(Path segment) throws IOException {
        var starts = new ArrayList<Long>();
        try (var f = new RandomAccessFile(segment.toFile(), "r")) {
            long pos = WalSegmentReader.HEADER_BYTES;
            while (pos < f.length()) {
                starts.add(pos);
                f.seek(pos);
                pos += WalSegmentReader.RECORD_HEADER_BYTES + f.readInt();
            }
        }
        return starts;
    }
}
