package dev.loci.store.lucene;

import static dev.loci.testkit.TestMemories.stored;
import static dev.loci.testkit.TestMemories.turn;
import static dev.loci.testkit.TestMemories.withKindAndMeta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.loci.Kind;
import dev.loci.Scope;
import dev.loci.testkit.HashingEmbedder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's stats count memories by kind, across tenants, deleted ones left out. */
class LuceneStatsTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private final HashingEmbedder embedder = new HashingEmbedder(32);

    @TempDir
    Path dir;

    @Test
    void detailsCountMemoriesByKind() {
        Scope anna = Scope.user("t1", "anna");
        Scope ben = Scope.user("t2", "ben");
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            store.write(List.of(stored(turn("a", anna, "Anna", "one", T0), embedder),
                    stored(turn("b", ben, "Ben", "two", T0), embedder),
                    stored(turn("c", ben, "Ben", "three", T0), embedder),
                    stored(withKindAndMeta(turn("f", anna, "Anna", "a fact", T0), Kind.FACT, Map.of()), embedder)));
            assertEquals("3", store.stats().details().get("memories.TURN"));
            assertEquals("1", store.stats().details().get("memories.FACT"));
            assertFalse(store.stats().details().containsKey("memories.EPISODE"), "kinds with none are left out");

            store.delete("t2", "c");
            assertEquals("2", store.stats().details().get("memories.TURN"), "a deleted memory is not counted");
            assertEquals(3, store.stats().memories());
        }
    }
}
