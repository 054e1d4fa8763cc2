package dev.loci.store.lucene;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Kind;
import dev.loci.StorageException;
import dev.loci.Scope;
import dev.loci.TimeRange;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.StoredMemory;
import dev.loci.testkit.TestMemories;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The log's record format, torn-tail recovery, corruption detection and golden bytes per record type. */
class WriteAheadLogTest {
    @TempDir
    Path dir;

    @Test
    void appendedRecordsReplayInOrder() {
        try (var log = WriteAheadLog.open(dir, 0, new ArrayList<>())) {
            log.sync(log.append((byte) 1, new byte[] {1, 2, 3}));
            log.sync(log.append((byte) 2, new byte[0]));
        }
        var entries = new ArrayList<WriteAheadLog.Entry>();
        try (var log = WriteAheadLog.open(dir, 0, entries)) {
            assertEquals(2, log.lastSeq());
        }
        assertEquals(2, entries.size());
        assertEquals(1, entries.get(0).seq());
        assertArrayEquals(new byte[] {1, 2, 3}, entries.get(0).payload());
        assertEquals(2, entries.get(1).type());
    }

    @Test
    void tornTailIsDroppedNotFatal() throws IOException {
        try (var log = WriteAheadLog.open(dir, 0, new ArrayList<>())) {
            log.sync(log.append((byte) 1, "kept".getBytes()));
            log.sync(log.append((byte) 1, "torn".getBytes()));
        }
        Path segment = onlySegment();
        try (var f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.setLength(f.length() - 2); // the crash cut the last record short
        }
        var entries = new ArrayList<WriteAheadLog.Entry>();
        WriteAheadLog.open(dir, 0, entries).close();
        assertEquals(1, entries.size());
        assertEquals("kept", new String(entries.get(0).payload()));
    }

    @Test
    void corruptionInASealedSegmentFailsTheOpen() throws IOException {
        try (var log = WriteAheadLog.open(dir, 0, new ArrayList<>())) {
            log.sync(log.append((byte) 1, "first segment".getBytes()));
            log.rotate();
            log.sync(log.append((byte) 1, "second segment".getBytes()));
        }
        try (Stream<Path> s = Files.list(dir)) {
            Path first = s.sorted().findFirst().orElseThrow();
            byte[] bytes = Files.readAllBytes(first);
            bytes[bytes.length - 3] ^= 0x55;
            Files.write(first, bytes);
        }
        var e = assertThrows(StorageException.class, () -> WriteAheadLog.open(dir, 0, new ArrayList<>()));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }

    private static List<StoredMemory> goldenBatch() {
        var memory = TestMemories.turn("golden-1", new Scope("t", "u", null, "s1"), "Ana", "Golden text ✓",
                Instant.parse("2023-05-08T13:56:00Z"));
        float[] v = {0.6f, 0.8f};
        return List.of(new StoredMemory(memory, dev.loci.spi.Embedding.of(v), "Ana Golden text"));
    }

    /**
     * Version 1 of the log with a PUT record whose memory is in memory format 1 (written before the
     * lifecycle existed): it must still replay to the same batch.
     */
    @Test
    void goldenSegmentV1WithMemoryFormat1StillReplays() throws IOException {
        Path golden = Path.of("src/test/resources/golden/wal-v1.log");
        Files.copy(golden, dir.resolve("wal-00000000000000000001.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        var entries = new ArrayList<WriteAheadLog.Entry>();
        WriteAheadLog.open(dir, 0, entries).close();
        assertEquals(goldenBatch(), WalRecordFormat.decodePut(entries.get(0).payload()));
    }

    /** Version 1 of the log, PUT record with the current memory format: must encode to the golden bytes. */
    @Test
    void goldenSegmentV1WithMemoryFormat2() throws IOException {
        var batch = goldenBatch();
        try (var log = WriteAheadLog.open(dir, 0, new ArrayList<>())) {
            log.sync(log.append(WalRecordFormat.PUT, WalRecordFormat.encodePut(batch)));
        }
        byte[] actual = Files.readAllBytes(onlySegment());
        Path golden = Path.of("src/test/resources/golden/wal-v1-memory-v2.log");
        if (Boolean.getBoolean("loci.writeGolden")) {
            Files.createDirectories(golden.getParent());
            Files.write(golden, actual);
        }
        assertArrayEquals(Files.readAllBytes(golden), actual, "log format v1 changed: bump WriteAheadLog.VERSION");
        Files.copy(golden, dir.resolve("wal-00000000000000000001.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        var entries = new ArrayList<WriteAheadLog.Entry>();
        WriteAheadLog.open(dir, 0, entries).close();
        assertEquals(batch, WalRecordFormat.decodePut(entries.get(0).payload()));
    }

    /** A DELETE_WHERE record (type 3, added within version 1) must encode to its golden bytes. */
    @Test
    void goldenDeleteWhereV1() throws IOException {
        var filter = new SearchFilter(new Scope("t", "u", null, "s1"), Set.of(Kind.TURN, Kind.EPISODE),
                new TimeRange(Instant.parse("2023-05-08T13:56:00Z"), null), Map.of("channel", "chat"));
        try (var log = WriteAheadLog.open(dir, 0, new ArrayList<>())) {
            log.sync(log.append(WalRecordFormat.DELETE_WHERE, WalRecordFormat.encodeDeleteWhere(filter)));
        }
        byte[] actual = Files.readAllBytes(onlySegment());
        Path golden = Path.of("src/test/resources/golden/wal-v1-delete-where.log");
        if (Boolean.getBoolean("loci.writeGolden")) {
            Files.write(golden, actual);
        }
        assertArrayEquals(Files.readAllBytes(golden), actual, "DELETE_WHERE encoding changed: add a new record type");
        Files.copy(golden, dir.resolve("wal-00000000000000000001.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        var entries = new ArrayList<WriteAheadLog.Entry>();
        WriteAheadLog.open(dir, 0, entries).close();
        assertEquals(WalRecordFormat.DELETE_WHERE, entries.get(0).type());
        assertEquals(filter, WalRecordFormat.decodeDeleteWhere(entries.get(0).payload()));
    }

    /** An ACCESS record (type 4, added within version 1) must encode to its golden bytes. */
    @Test
    void goldenAccessV1() throws IOException {
        var entries = List.of(new WalRecordFormat.AccessEntry("t", "golden-1", 3, 1_683_554_160_000_000L),
                new WalRecordFormat.AccessEntry("tenant ✓", "golden-2", 1, Long.MIN_VALUE));
        try (var log = WriteAheadLog.open(dir, 0, new ArrayList<>())) {
            log.sync(log.append(WalRecordFormat.ACCESS, WalRecordFormat.encodeAccess(entries)));
        }
        byte[] actual = Files.readAllBytes(onlySegment());
        Path golden = Path.of("src/test/resources/golden/wal-v1-access.log");
        if (Boolean.getBoolean("loci.writeGolden")) {
            Files.write(golden, actual);
        }
        assertArrayEquals(Files.readAllBytes(golden), actual, "ACCESS encoding changed: add a new record type");
        Files.copy(golden, dir.resolve("wal-00000000000000000001.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        var replayed = new ArrayList<WriteAheadLog.Entry>();
        WriteAheadLog.open(dir, 0, replayed).close();
        assertEquals(WalRecordFormat.ACCESS, replayed.get(0).type());
        assertEquals(entries, WalRecordFormat.decodeAccess(replayed.get(0).payload()));
    }

    static List<SearchFilter> filters() {
        Instant t = Instant.parse("2024-01-02T03:04:05.123456789Z");
        return List.of(
                SearchFilter.of(Scope.tenant("t")),
                SearchFilter.of(new Scope("tenant ✓", "user", "agent", "session")),
                new SearchFilter(Scope.user("t", "u"), EnumSet.allOf(Kind.class), new TimeRange(null, t), Map.of()),
                new SearchFilter(Scope.user("t", "u"), Set.of(), new TimeRange(t, t.plusNanos(1)),
                        Map.of("a", "1", "b", "", "ключ", "значение")),
                new SearchFilter(Scope.user("t", "u"), Set.of(Kind.FACT), new TimeRange(null, null), Map.of()));
    }

    @ParameterizedTest
    @MethodSource("filters")
    void deleteWhereRoundTrips(SearchFilter filter) {
        assertEquals(filter, WalRecordFormat.decodeDeleteWhere(WalRecordFormat.encodeDeleteWhere(filter)));
    }

    @Test
    void aDamagedDeleteWhereIsReportedNotGuessed() {
        byte[] payload = WalRecordFormat.encodeDeleteWhere(SearchFilter.of(Scope.user("t", "u")));
        byte[] longer = java.util.Arrays.copyOf(payload, payload.length + 1);
        assertThrows(StorageException.class, () -> WalRecordFormat.decodeDeleteWhere(longer));
        byte[] shorter = java.util.Arrays.copyOf(payload, payload.length - 1);
        assertThrows(StorageException.class, () -> WalRecordFormat.decodeDeleteWhere(shorter));
    }

    private Path onlySegment() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> nonEmpty = s.filter(p -> {
                try {
                    return Files.size(p) > 12;
                } catch (IOException e) {
                    return false;
                }
            }).toList();
            assertEquals(1, nonEmpty.size(), "segments: " + nonEmpty);
            return nonEmpty.get(0);
        }
    }

}
