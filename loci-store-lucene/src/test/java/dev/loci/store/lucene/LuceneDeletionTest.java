package dev.loci.store.lucene;

import static dev.loci.testkit.TestMemories.stored;
import static dev.loci.testkit.TestMemories.turn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Scope;
import dev.loci.spi.SearchFilter;
import dev.loci.testkit.HashingEmbedder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deletion specific to the Lucene store: log replay of DELETE_WHERE, and compaction. */
class LuceneDeletionTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final Scope ANNA = Scope.user("t1", "anna");
    private static final Scope BEN = Scope.user("t1", "ben");
    /** Large enough that nothing is committed before the snapshot: all of it is in the log. */
    private static final LuceneStoreConfig LOG_ONLY = LuceneStoreConfig.defaults().withWalBytesBeforeCommit(64L << 20);

    private final HashingEmbedder embedder = new HashingEmbedder(32);

    @TempDir
    Path dir;

    @Test
    void deleteMatchingReplaysFromTheLogInOrder() throws IOException {
        Path data = dir.resolve("data");
        Path crashed = dir.resolve("crashed");
        try (var store = LuceneMemoryStore.open(data, LOG_ONLY)) {
            store.write(List.of(stored(turn("a", ANNA, "Anna", "before the delete", T0), embedder),
                    stored(turn("b", BEN, "Ben", "another user", T0), embedder)));
            assertEquals(1, store.deleteMatching(SearchFilter.of(ANNA)).size());
            store.write(List.of(stored(turn("c", ANNA, "Anna", "after the delete", T0), embedder)));
            CrashCopy.copyAsAfterACrash(data, crashed); // what kill -9 would leave: the open-time commit plus the log
        }
        try (var store = LuceneMemoryStore.open(crashed, LOG_ONLY)) {
            assertEquals(Set.of("b", "c"), store.existing("t1", List.of("a", "b", "c")),
                    "the delete replays before the later write, and only over Anna");
        }
    }

    @Test
    void compactLeavesNoByteOfADeletedMemory() {
        List<String> annas = List.of("Quillerby", "Marchpane", "Vorstrand");
        List<String> bens = List.of("Thistlewick", "Obsidian", "Halvardson");
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            store.write(List.of(stored(turn("a", ANNA, "Anna", "my code is " + String.join(" ", annas), T0), embedder),
                    stored(turn("b", BEN, "Ben", "my code is " + String.join(" ", bens), T0), embedder)));
            assertEquals(annas, DataDirScan.found(dir, annas), "the log holds every word as written");
            store.compact();
            assertFalse(DataDirScan.found(dir, annas).isEmpty(), "the scan also finds text in a compacted index");

            store.deleteMatching(SearchFilter.of(ANNA));
            assertFalse(DataDirScan.found(dir, annas).isEmpty(), "a delete alone leaves the bytes");
            store.compact();

            assertEquals(List.of(), DataDirScan.found(dir, annas));
            assertFalse(DataDirScan.found(dir, bens).isEmpty(), "the other user's memory is still on disk");
            assertTrue(store.get("t1", "b").isPresent());
        }
    }
}
