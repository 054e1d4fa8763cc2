package dev.loci.store.lucene;

import dev.loci.engine.LociEngine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Loci;
import dev.loci.LociConfig;
import dev.loci.Message;
import dev.loci.RecallQuery;
import dev.loci.Scope;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's forgetting over the Lucene store: reinforcement survives reopening, expiry sweeps. */
class LuceneForgettingTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final Scope ANNA = Scope.user("t1", "anna");

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(T0);

    private Loci open() {
        LociConfig d = LociConfig.defaults();
        return LociEngine.builder().embedder(new HashingEmbedder(32)).store(LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults()))
                .clock(clock).config(d.withForgetting(d.forgetting().withSweepInterval(null))).build();
    }

    @Test
    void recallsAreCountedAndTheCountsSurviveReopening() {
        String id;
        try (Loci loci = open()) {
            id = loci.remember(ANNA, List.of(Message.of("Anna", "My locker code is 2231", T0),
                    Message.of("Anna", "I parked on level three", T0.plusSeconds(1)))).ids().get(0);
            for (int i = 1; i <= 3; i++) {
                clock.advance(Duration.ofMinutes(1));
                assertEquals(id, loci.recall(ANNA, RecallQuery.of("locker code").withK(1)).results().get(0).memory().id());
            }
            assertEquals(3, loci.get(ANNA, id).orElseThrow().lifecycle().accessCount());
        }
        try (Loci loci = open()) {
            var life = loci.get(ANNA, id).orElseThrow().lifecycle();
            assertEquals(3, life.accessCount());
            assertEquals(T0.plus(Duration.ofMinutes(3)), life.lastAccessedAt());
        }
    }

    @Test
    void expiredMemoriesAreSweptFromTheIndex() {
        try (Loci loci = open()) {
            var ids = loci.remember(ANNA, List.of(Message.of("Anna", "The wifi password is plum-42", T0)
                    .withExpiresAt(T0.plus(Duration.ofDays(1))), Message.of("Anna", "I like plums", T0.plusSeconds(1)),
                    Message.of("Anna", "Plum jam is the best", T0.plusSeconds(2)))).ids();
            clock.advance(Duration.ofDays(2));
            assertTrue(loci.get(ANNA, ids.get(0)).isEmpty());
            assertEquals(1, loci.evictExpired());
            assertEquals(0, loci.evictExpired());
            assertTrue(loci.recall(ANNA, RecallQuery.of("wifi password plum")).results().stream()
                    .noneMatch(r -> r.memory().text().contains("plum-42")));
        }
    }
}
