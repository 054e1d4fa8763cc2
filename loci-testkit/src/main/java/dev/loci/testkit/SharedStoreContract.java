package dev.loci.testkit;

import static dev.loci.testkit.TestMemories.stored;
import static dev.loci.testkit.TestMemories.turn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.spi.ConditionalWrite;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.RecordVersion;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SharedStore;
import dev.loci.spi.StoredMemory;
import dev.loci.spi.VersionedMemory;
import dev.loci.spi.WriteConflictException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SharedStore} must show, beside {@link MemoryStoreContract}: create-only
 * writes and conditional rewrites, seen from two handles on one store as two Loci processes have
 * them (two clients of one cluster; for an in-memory store, one instance). An adapter's test
 * extends this class and says how to open the store and a second handle on it. Each test uses
 * tenants of its own, so {@link #open} may hand out the same data (one index) for every test.
 */
public abstract class SharedStoreContract {
    protected static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final HashingEmbedder EMBEDDER = new HashingEmbedder(64);
    private static final AtomicInteger TENANTS = new AtomicInteger();
    /** Tenants of this test only, so a store kept across tests (one index per class) starts empty each time. */
    private final String acme = "acme-" + TENANTS.incrementAndGet();
    private final String globex = "globex-" + TENANTS.get();
    private final Scope maya = Scope.user(acme, "maya");

    /** One handle, as one process has it. */
    protected MemoryStore store;
    /** Another handle on the same data, as another process has it (may be {@link #store} itself). */
    protected MemoryStore other;

    /** Opens the store (fresh, or one shared by the tests of the class). */
    protected abstract MemoryStore open();

    /** A second handle on the store {@link #open} gave; the same instance when the store has no other. */
    protected MemoryStore another(MemoryStore opened) {
        return opened;
    }

    @BeforeEach
    void openStores() {
        store = open();
        other = another(store);
        assertInstanceOf(SharedStore.class, store, "the store under test says it is shared");
        assertInstanceOf(SharedStore.class, other, "the second handle says it is shared");
    }

    @AfterEach
    void closeStores() {
        if (other != null && other != store) {
            other.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private static SharedStore shared(MemoryStore s) {
        return (SharedStore) s;
    }

    private static StoredMemory record(String id, Scope scope, String text) {
        return stored(turn(id, scope, "Maya", text, T0), EMBEDDER);
    }

    @Test
    void createWritesOnlyIdsThatAreFree() {
        store.write(List.of(record("a", maya, "first")));
        Set<String> taken = shared(other).create(List.of(record("a", maya, "second"), record("b", maya, "new")));
        assertEquals(Set.of("a"), taken);
        assertEquals("first", store.get(acme, "a").orElseThrow().text(), "a taken id is not written");
        assertEquals("new", store.get(acme, "b").orElseThrow().text());
    }

    @Test
    void readVersionedGivesWhatIsStoredWithItsVersion() {
        store.write(List.of(record("a", maya, "hello"), record("b", maya, "world")));
        Map<String, VersionedMemory> read = shared(other).readVersioned(acme, List.of("a", "b", "missing"));
        assertEquals(Set.of("a", "b"), read.keySet(), "absent ids are left out");
        assertEquals("hello", read.get("a").memory().text());
        assertFalse(read.get("a").version().none());
        assertEquals(Map.of(), shared(other).readVersioned("other-tenant", List.of("a", "b")),
                "a versioned read is scoped by tenant");
    }

    @Test
    void writeIfUnchangedWritesAndGivesANewVersion() {
        store.write(List.of(record("a", maya, "before")));
        VersionedMemory read = shared(store).readVersioned(acme, List.of("a")).get("a");
        shared(store).writeIf(List.of(ConditionalWrite.over(record("a", maya, "after"), read)));
        assertEquals("after", other.get(acme, "a").orElseThrow().text(), "visible at once to a get");
        assertEquals(List.of("after"), other.list(new SearchFilter(maya, Set.of(Kind.TURN), null, Map.of()), 10)
                .stream().map(Memory::text).toList(), "and to a listing, as after a write");
        VersionedMemory again = shared(other).readVersioned(acme, List.of("a")).get("a");
        assertNotEquals(read.version(), again.version(), "the write changed the version");
        // the version read before the write no longer matches
        var stale = assertThrows(WriteConflictException.class, () -> shared(other).writeIf(List.of(
                ConditionalWrite.over(record("a", maya, "stale"), read))));
        assertEquals(Set.of("a"), stale.ids());
        assertTrue(stale.isRetriable(), "a conflict is worth a retry after reading again");
        assertEquals("after", store.get(acme, "a").orElseThrow().text(), "a conflicting write changes nothing");
    }

    @Test
    void anyWriteOfTheRecordMakesAConditionalWriteConflict() {
        store.write(List.of(record("a", maya, "v1")));
        VersionedMemory read = shared(store).readVersioned(acme, List.of("a")).get("a");
        other.write(List.of(record("a", maya, "v2 by the other process")));
        assertThrows(WriteConflictException.class,
                () -> shared(store).writeIf(List.of(ConditionalWrite.over(record("a", maya, "v2 here"), read))));
        assertEquals("v2 by the other process", store.get(acme, "a").orElseThrow().text());
    }

    @Test
    void aRecordDeletedAndWrittenAgainDoesNotMatchItsOldVersion() {
        store.write(List.of(record("a", maya, "v1")));
        VersionedMemory read = shared(store).readVersioned(acme, List.of("a")).get("a");
        other.delete(acme, "a");
        assertThrows(WriteConflictException.class,
                () -> shared(store).writeIf(List.of(ConditionalWrite.over(record("a", maya, "v2"), read))),
                "the record went");
        other.write(List.of(record("a", maya, "v1 again")));
        assertThrows(WriteConflictException.class,
                () -> shared(store).writeIf(List.of(ConditionalWrite.over(record("a", maya, "v2"), read))),
                "a record written again has a new version");
        assertEquals("v1 again", store.get(acme, "a").orElseThrow().text());
    }

    @Test
    void expectingNoneCreatesOnlyWhenAbsent() {
        shared(store).writeIf(List.of(new ConditionalWrite(record("p", maya, "first"), RecordVersion.NONE)));
        assertEquals("first", other.get(acme, "p").orElseThrow().text());
        assertThrows(WriteConflictException.class, () -> shared(other).writeIf(List.of(
                new ConditionalWrite(record("p", maya, "second"), RecordVersion.NONE))));
        assertEquals("first", store.get(acme, "p").orElseThrow().text());
        // the same id in another tenant is another record
        Scope elsewhere = Scope.user(globex, "maya");
        shared(other).writeIf(List.of(new ConditionalWrite(record("p", elsewhere, "theirs"), RecordVersion.NONE)));
        assertEquals("theirs", store.get(globex, "p").orElseThrow().text());
        assertEquals("first", store.get(acme, "p").orElseThrow().text());
    }

    @Test
    void aConflictNamesTheChangedRecordsAndTheOthersAreWritten() {
        store.write(List.of(record("a", maya, "a1"), record("b", maya, "b1")));
        Map<String, VersionedMemory> read = shared(store).readVersioned(acme, List.of("a", "b"));
        other.write(List.of(record("b", maya, "b2 by the other process")));
        var conflict = assertThrows(WriteConflictException.class, () -> shared(store).writeIf(List.of(
                ConditionalWrite.over(record("a", maya, "a2"), read.get("a")),
                ConditionalWrite.over(record("b", maya, "b2 here"), read.get("b")))));
        assertEquals(Set.of("b"), conflict.ids());
        assertEquals("a2", other.get(acme, "a").orElseThrow().text());
        assertEquals("b2 by the other process", other.get(acme, "b").orElseThrow().text());
    }

    /**
     * Four writers (two per handle) each add 1 to a counter 4 times by read, modify and
     * conditional write, reading again after a conflict: no increment is lost.
     */
    @Test
    void concurrentReadModifyWritesLoseNoUpdate() throws Exception {
        store.write(List.of(record("counter", maya, "0")));
        int writers = 4;
        int each = 4;
        AtomicInteger conflicts = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                SharedStore s = shared(w % 2 == 0 ? store : other);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        while (true) {
                            VersionedMemory read = s.readVersioned(acme, List.of("counter")).get("counter");
                            int next = Integer.parseInt(read.memory().text()) + 1;
                            try {
                                s.writeIf(List.of(ConditionalWrite.over(record("counter", maya, Integer.toString(next)),
                                        read)));
                                break;
                            } catch (WriteConflictException e) {
                                conflicts.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertEquals(Integer.toString(writers * each), store.get(acme, "counter").orElseThrow().text(),
                "every increment counted once (" + conflicts.get() + " conflicts retried)");
    }
}
