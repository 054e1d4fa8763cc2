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
import dev.loci.testkit.FuzzCorpus;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of everything that decodes bytes from disk: log segments (framing, lengths,
 * checksums), the payload of each record type, and the memory codec. Mutated inputs must give
 * the documented corruption error ({@link StorageException}) or a result, never another
 * exception, a hang, or an allocation sized by a damaged length (each decode's allocation is
 * measured). The executions per target are kept small here; {@code scripts/fuzz} runs a million
 * each (docs/RELIABILITY.md). The regression corpus (inputs that found bugs, boundary cases) is
 * replayed from src/test/resources/fuzz-corpus/.
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
        Mutator.run("wal-segment", 4_000, m -> m.mutate(segment), (m, bytes) -> readSegment(bytes, m.random().nextBoolean()));
    }

    @Test
    void recordPayloads() {
        Mutator.run("wal-payload", 10_000, m -> {
            byte[] valid = payloads.get(m.random().nextInt(payloads.size()));
            return m.random().nextInt(8) == 0 ? valid : m.mutate(valid);
        }, (m, bytes) -> decodePayload(bytes, (byte) (1 + m.random().nextInt(4)))); // often the wrong type's decoder
    }

    @Test
    void memoryRecords() {
        Mutator.run("memory-codec", 10_000, m -> m.mutate(memories.get(m.random().nextInt(memories.size()))),
                (m, bytes) -> decodeMemory(bytes));
    }

    /** The regression corpus of log segments (src/test/resources/fuzz-corpus/wal-segment), read plainly and salvaging. */
    @TestFactory
    Stream<DynamicTest> logSegmentCorpus() {
        return FuzzCorpus.tests("wal-segment", bytes -> {
            readSegment(bytes, false);
            readSegment(bytes, true);
        });
    }

    /** The regression corpus of record payloads, each decoded as every record type. */
    @TestFactory
    Stream<DynamicTest> recordPayloadCorpus() {
        return FuzzCorpus.tests("wal-payload", bytes -> {
            for (byte type = WalRecordFormat.PUT; type <= WalRecordFormat.ACCESS; type++) {
                decodePayload(bytes, type);
            }
        });
    }

    /** The regression corpus of memory records. */
    @TestFactory
    Stream<DynamicTest> memoryRecordCorpus() {
        return FuzzCorpus.tests("memory-codec", WalFuzzTest::decodeMemory);
    }

    private static void readSegment(byte[] bytes, boolean salvage) {
        // a salvage scan tries a record at every byte: its allocation may grow with the square of the size
        long limit = ALLOCATION_SLACK + (salvage ? 4L * bytes.length * bytes.length : 64L * bytes.length);
        allocatingAtMost(limit, "reading a " + bytes.length + "-byte segment", () -> {
            try {
                var read = WalSegmentReader.read(WalSegmentReader.Source.of(bytes), salvage);
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

    private static void decodePayload(byte[] bytes, byte type) {
        allocatingAtMost(ALLOCATION_SLACK + 64L * bytes.length, "decoding a " + bytes.length + "-byte payload", () -> {
            try {
                switch (type) {
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

    private static void decodeMemory(byte[] bytes) {
        allocatingAtMost(ALLOCATION_SLACK + 64L * bytes.length, "decoding a " + bytes.length + "-byte memory record", () -> {
            try {
                MemoryCodec.decode(bytes);
            } catch (StorageException expected) {
                // the documented corruption error
            }
        });
    }

    /** Fixed allowance for what any decode allocates (streams, buffers, exceptions with their stack traces). */
    private static final long ALLOCATION_SLACK = 1L << 20;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * Runs {@code decode} and fails when it allocated more than {@code limit} bytes: a decoder
     * that sizes an array or list by a damaged count allocates megabytes for a small input.
     */
    private static void allocatingAtMost(long limit, String what, Runnable decode) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        decode.run();
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated <= limit, what + " allocated " + allocated + " bytes (at most " + limit + " expected)");
    }
}
