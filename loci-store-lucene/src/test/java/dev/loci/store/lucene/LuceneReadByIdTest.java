package dev.loci.store.lucene;

import static dev.loci.testkit.TestMemories.stored;
import static dev.loci.testkit.TestMemories.turn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.testkit.HashingEmbedder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads by id between writes (what ingest does: a fact it reinforces, a profile) see every write
 * that returned, without refreshing the searcher: a refresh per read would flush a segment per call.
 */
class LuceneReadByIdTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final Scope ANNA = Scope.user("t1", "anna");

    private final HashingEmbedder embedder = new HashingEmbedder(32);

    @TempDir
    Path dir;

    @Test
    void readsByIdSeeEachWriteWithoutARefreshPerRead() {
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            var before = new java.util.ArrayList<dev.loci.spi.StoredMemory>();
            before.add(stored(turn("old", ANNA, "Anna", "written before the first refresh", T0), embedder));
            for (int i = 0; i < 30; i++) {
                before.add(stored(turn("d" + i, ANNA, "Anna", "deleted in round " + i, T0), embedder));
            }
            store.write(before);
            long refreshes = refreshes(store); // this read refreshed: all of them are in the searcher
            for (int i = 0; i < 30; i++) {
                store.write(List.of(stored(turn("m" + i, ANNA, "Anna", "version " + i + " of m" + i, T0), embedder)));
                store.write(List.of(stored(turn("m" + i, ANNA, "Anna", "rewritten " + i, T0.plusSeconds(i)), embedder)));
                assertEquals("rewritten " + i, store.get("t1", "m" + i).orElseThrow().text());
                assertTrue(store.delete("t1", "d" + i));
                assertTrue(store.get("t1", "d" + i).isEmpty(), "deleted d" + i);
                assertEquals("written before the first refresh", store.get("t1", "old").orElseThrow().text());
                assertTrue(store.get("t1", "never").isEmpty());
            }
            assertEquals(refreshes + 1, refreshes(store), "only the figures' own read refreshed");
            assertEquals(31, store.stats().memories()); // "old" and the m's
        }
    }

    private static long refreshes(LuceneMemoryStore store) {
        return Long.parseLong(store.stats().details().get("readRefreshes"));
    }

    @Test
    void aMemoryWrittenSinceTheLastRefreshShowsTheAccessesRecordedAfterItsWrite() {
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            store.write(List.of(stored(turn("a", ANNA, "Anna", "recalled after its write", T0), embedder)));
            store.recordAccess("t1", List.of("a"), T0.plusSeconds(5));
            store.recordAccess("t1", List.of("a"), T0.plusSeconds(9));
            Memory a = store.get("t1", "a").orElseThrow();
            assertEquals(2, a.lifecycle().accessCount());
            assertEquals(T0.plusSeconds(9), a.lifecycle().lastAccessedAt());
            store.checkpoint(); // the counts move into the index; the pending record goes with the refresh
            assertEquals(2, store.get("t1", "a").orElseThrow().lifecycle().accessCount());
        }
    }
}
