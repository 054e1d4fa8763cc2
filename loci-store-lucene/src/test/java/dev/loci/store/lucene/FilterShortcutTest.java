package dev.loci.store.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Kind;
import dev.loci.Lifecycle;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.spi.Embedding;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.StoreHit;
import dev.loci.spi.StoredMemory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A search whose filter keeps every document skips the filter; any memory the filter would drop
 * (another user's, an expired one, a superseded one, one recorded later) must turn that off.
 */
class FilterShortcutTest {
    private static final Instant T = Instant.parse("2024-03-01T10:00:00Z");
    private static final Scope MAYA = Scope.user("t", "maya");

    @TempDir
    Path dir;

    private static StoredMemory memory(String id, Scope scope, Instant recorded, Instant validTo, Instant expires) {
        var m = new Memory(id, scope, Kind.TURN, "pottery class " + id, "user", null, T, recorded, T, validTo, null,
                List.of(), null, List.of(), 1, 0.5, Map.of(), new Lifecycle(0, null, expires, false, null, null));
        float[] v = new float[8];
        v[id.hashCode() & 7] = 1;
        v[(id.hashCode() >>> 3) & 7] += 0.5f;
        return new StoredMemory(m, Embedding.normalized(v), m.text());
    }

    private static List<String> found(LuceneMemoryStore store, SearchFilter filter) {
        float[] q = new float[8];
        java.util.Arrays.fill(q, 1);
        var hits = store.search(new SearchRequest(filter, "pottery", Embedding.normalized(q), 10, 10));
        Predicate<String> dense = id -> hits.dense().stream().map(StoreHit::id).anyMatch(id::equals);
        List<String> lexical = hits.lexical().stream().map(StoreHit::id).sorted().toList();
        assertEquals(lexical, lexical.stream().filter(dense).toList(), "both searches see the same memories");
        return lexical;
    }

    private boolean keepsEverything(LuceneMemoryStore store, SearchFilter f) throws Exception {
        store.checkpoint();
        try (var d = FSDirectory.open(dir.resolve("index")); var reader = DirectoryReader.open(d)) {
            return LuceneDocuments.keepsEverything(f, reader);
        }
    }

    @Test
    void oneUsersStoreIsSearchedWithoutTheFilterAndAnythingItWouldDropTurnsThatOff() throws Exception {
        Instant now = T.plusSeconds(3600);
        var visible = SearchFilter.of(MAYA).visibleAt(now);
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            store.write(List.of(memory("a", MAYA, T, null, null), memory("b", MAYA, T, null, null)));
            assertTrue(keepsEverything(store, visible));
            assertEquals(List.of("a", "b"), found(store, visible));
            assertFalse(keepsEverything(store, new SearchFilter(MAYA, Set.of(Kind.FACT), null, Map.of(), now)),
                    "no memory is a fact");
            assertTrue(keepsEverything(store, new SearchFilter(MAYA, Set.of(Kind.TURN, Kind.FACT), null, Map.of(), now)),
                    "every memory is a turn");
            assertEquals(List.of(), found(store, new SearchFilter(MAYA, Set.of(Kind.FACT), null, Map.of(), now)));

            store.write(List.of(memory("expired", MAYA, T, null, T.plusSeconds(60))));
            assertFalse(keepsEverything(store, visible));
            assertEquals(List.of("a", "b"), found(store, visible));
            assertTrue(keepsEverything(store, SearchFilter.of(MAYA)), "without visibility the expired one is kept");
            assertEquals(List.of("a", "b", "expired"), found(store, SearchFilter.of(MAYA)));
        }
    }

    @Test
    void supersededLaterRecordedAndOtherUsersMemoriesKeepTheFilter() throws Exception {
        Instant now = T.plusSeconds(3600);
        var visible = SearchFilter.of(MAYA).visibleAt(now);
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            store.write(List.of(memory("a", MAYA, T, null, null), memory("old", MAYA, T, T.plusSeconds(10), null),
                    memory("later", MAYA, now.plusSeconds(60), null, null)));
            assertFalse(keepsEverything(store, visible));
            assertEquals(List.of("a"), found(store, visible));

            store.write(List.of(memory("tom1", Scope.user("t", "tom"), T, null, null)));
            assertFalse(keepsEverything(store, SearchFilter.of(MAYA)));
            assertEquals(List.of("a", "later", "old"), found(store, SearchFilter.of(MAYA)));
            assertTrue(keepsEverything(store, SearchFilter.of(Scope.tenant("t"))));
            assertEquals(List.of("a", "later", "old", "tom1"), found(store, SearchFilter.of(Scope.tenant("t"))));
        }
    }
}
