package dev.loci.store.lucene;

import static dev.loci.testkit.TestMemories.stored;
import static dev.loci.testkit.TestMemories.turn;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loci.Lifecycle;
import dev.loci.Scope;
import dev.loci.testkit.HashingEmbedder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recall counts in the Lucene store: replayed from the log after a crash, kept across checkpoints. */
class LuceneAccessTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final Scope ANNA = Scope.user("t1", "anna");
    /** Large enough that nothing is committed before the snapshot: all of it is in the log. */
    private static final LuceneStoreConfig LOG_ONLY = LuceneStoreConfig.defaults().withWalBytesBeforeCommit(64L << 20);

    private final HashingEmbedder embedder = new HashingEmbedder(32);

    @TempDir
    Path dir;

    @Test
    void accessesReplayFromTheLogAfterACrash() throws IOException {
        Path data = dir.resolve("data");
        Path crashed = dir.resolve("crashed");
        try (var store = LuceneMemoryStore.open(data, LOG_ONLY)) {
            store.write(List.of(stored(turn("a", ANNA, "Anna", "recalled twice", T0), embedder),
                    stored(turn("b", ANNA, "Anna", "rewritten after its recall", T0), embedder)));
            store.recordAccess("t1", List.of("a", "b"), T0.plusSeconds(10));
            store.recordAccess("t1", List.of("a"), T0.plusSeconds(20));
            // A rewrite after an access carries its own counts; replay must keep that order.
            store.write(List.of(stored(turn("b", ANNA, "Anna", "rewritten after its recall", T0)
                    .withLifecycle(new Lifecycle(5, T0.plusSeconds(15), null, false, null, null)), embedder)));
            CrashCopy.copyAsAfterACrash(data, crashed);
        }
        try (var store = LuceneMemoryStore.open(crashed, LOG_ONLY)) {
            assertEquals(new Lifecycle(2, T0.plusSeconds(20), null, false, null, null),
                    store.get("t1", "a").orElseThrow().lifecycle());
            assertEquals(5, store.get("t1", "b").orElseThrow().lifecycle().accessCount());
        }
    }

    @Test
    void accessesSurviveCheckpointsAndMerges() {
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            store.write(List.of(stored(turn("a", ANNA, "Anna", "counted across commits", T0), embedder)));
            store.recordAccess("t1", List.of("a"), T0.plusSeconds(1));
            store.checkpoint(); // into the doc values
            store.recordAccess("t1", List.of("a"), T0.plusSeconds(2)); // pending again, on top of them
            assertEquals(2, store.get("t1", "a").orElseThrow().lifecycle().accessCount());
            store.forceMerge();
            assertEquals(2, store.get("t1", "a").orElseThrow().lifecycle().accessCount(), "after a merge");
        }
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            assertEquals(new Lifecycle(2, T0.plusSeconds(2), null, false, null, null),
                    store.get("t1", "a").orElseThrow().lifecycle());
        }
    }
}
