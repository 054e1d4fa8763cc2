package dev.loci.store.lucene;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Kind;
import dev.loci.Lifecycle;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.StorageException;
import dev.loci.TimeRange;
import dev.loci.spi.MemoryCodec;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.StoredMemory;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.Mutator;
import dev.loci.testkit.TestMemories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of everything that decodes bytes from disk: log segments (framing, lengths,
 * checksums), the payload of each record type, and the memory codec. Mutated inputs must give
 * the documented corruption error ({@link StorageException}) or a result, never another
 * exception, a hang, or an allocation sized by a damaged length. The executions per target are
 * kept small here; {@code scripts/fuzz} runs a million each (docs/RELIABILITY.md).
 */
class WalFuzzTest {
    static byte[] segment;
    static List<byte[]> payloads = new ArrayList<>();
    static List<byte[]> memories = new ArrayList<>();

    @BeforeAll
    static void validInputs(@TempDir Path dir) throws IOException {
        var embedder = new HashingEmbedder(8);
        Instant t = Instant.parse("2024-03-02T18:10:00Z");
        Memory turn = TestMemories.turn("t1", new Scope("acme", "maya", "agent", "s1"), "Maya", "I adopted a dog ✓", t);
        Memory rich = turn.toBuilder().id("e1").kind(Kind.EPISODE).childIds(List.of("t1", "t2")).parentId("s9")
                .sourceIds(List.of("c1")).metadata(Map.of("channel", "chat", "k", "v")).validTo(t.plusSeconds(9))
                .lifecycle(new Lifecycle(3, t, t.plusSeconds(60), true, "old", "new")).version(4).build();
        List<StoredMemory> batch = List.of(TestMemories.stored(turn, embedder), TestMemories.stored(rich, embedder));
        var filter = new SearchFilter(new Scope("acme", "maya", null, "s1"), EnumSet.of(Kind.TURN, Kind.FACT),
                new TimeRange(t, t.plusSeconds(5)), Map.of("channel", "chat"));
        var access = List.of(new WalRecordFormat.AccessEntry("acme", "t1", 2, 17L));
        payloads.add(WalRecordFormat.encodePut(batch));
        payloads.add(WalRecordFormat.encodeDelete("acme", "t1"));
        payloads.add(WalRecordFormat.encodeDeleteWhere(filter));
        payloads.add(WalRecordFormat.encodeAccess(access));
        memories.add(MemoryCodec.encode(turn));
        memories.add(MemoryCodec.encode(rich));
        try (var log = WriteAheadLog.open(dir, 0, new ArrayList<>())) {
            log.append(WalRecordFormat.PUT, payloads.get(0));
            log.append(WalRecordFormat.DELETE, payloads.get(1));
            log.append(WalRecordFormat.DELETE_WHERE, payloads.get(2));
            log.sync(log.append(WalRecordFormat.ACCESS, payloads.get(3)));
        }
        try (var files = Files.list(dir)) {
            Path only = files.filter(p -> p.toFile().length() > WalSegmentReader.HEADER_BYTES).findFirst().orElseThrow();
            segment = Files.readAllBytes(only);
        }
    }

    @Test
    void logSegments() {
        Mutator.run("wal-segment", 4_000, m -> {
            byte[] bytes = m.mutate(segment);
            try {
                var read = WalSegmentReader.read(WalSegmentReader.Source.of(bytes), m.random().nextBoolean());
                long total = 0;
                for (WriteAheadLog.Entry e : read.entries()) {
                    total += e.payload().length;
                    WalScan.decodeProblem(e); // turns StorageException into a message; anything else escapes
                }
                assertTrue(total <= bytes.length, "payloads are never larger than the segment");
            } catch (dev.loci.FormatVersionException | IOException expected) {
                // another format version: reported, not damage
            }
        });
    }

    @Test
    void recordPayloads() {
        Mutator.run("wal-payload", 10_000, m -> {
            int type = m.random().nextInt(payloads.size());
            byte[] bytes = m.random().nextInt(8) == 0 ? payloads.get(type) : m.mutate(payloads.get(type));
            byte decodeAs = (byte) (1 + m.random().nextInt(4)); // often the wrong type's decoder
            try {
                switch (decodeAs) {
                    case WalRecordFormat.PUT -> WalRecordFormat.decodePut(bytes);
                    case WalRecordFormat.DELETE -> WalRecordFormat.decodeDelete(bytes);
                    case WalRecordFormat.DELETE_WHERE -> WalRecordFormat.decodeDeleteWhere(bytes);
                    default -> WalRecordFormat.decodeAccess(bytes);
                }
            } catch (StorageException expected) {
                // the documented corruption error
            }
        });
    }

    @Test
    void memoryRecords() {
        Mutator.run("memory-codec", 10_000, m -> {
            try {
                MemoryCodec.decode(m.mutate(memories.get(m.random().nextInt(memories.size()))));
            } catch (StorageException expected) {
                // the documented corruption error
            }
        });
    }
}
