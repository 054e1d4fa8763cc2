package dev.loci.internal.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.RecallConfig;
import dev.loci.RecallQuery;
import dev.loci.Recalled;
import dev.loci.Scope;
import dev.loci.spi.Embedding;
import dev.loci.spi.StoreHit;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Vector pseudo-relevance feedback: a second kNN search from the question moved toward its strongest hits. */
class FeedbackTest {
    private static final Scope USER = Scope.user("t", "u");
    private static final Instant T = Instant.parse("2024-05-10T10:00:00Z");

    @Test
    void theQuestionMovesHalfWayTowardTheMeanOfItsHitsAndStaysUnitLength() {
        var q = Embedding.of(new float[] {1, 0, 0});
        var moved = RecallPipeline.feedbackVector(q, List.of(Embedding.of(new float[] {0, 1, 0}),
                Embedding.of(new float[] {0, 0, 1})));
        // q + 0.5 x (0, 0.5, 0.5) = (1, 0.25, 0.25), normalised
        double norm = Math.sqrt(1 + 2 * 0.0625);
        assertEquals(1 / norm, moved.get(0), 1e-6);
        assertEquals(0.25 / norm, moved.get(1), 1e-6);
        assertEquals(0.25 / norm, moved.get(2), 1e-6);
        assertEquals(1, moved.dot(moved), 1e-6);
        assertNull(RecallPipeline.feedbackVector(q, List.of()), "no hits with vectors: no second search");
        assertNull(RecallPipeline.feedbackVector(q, List.of(Embedding.of(new float[] {1, 0}))), "other dimensions");
    }

    private static Embedding unit(double... v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return Embedding.normalized(f);
    }

    /**
     * Three turns found by words and meaning (a, b, c); "x" shares no word and is as far from the question as
     * two distractors, but close to what the question found; the distractors lie the other way.
     */
    private static FakeStore store() {
        var store = new FakeStore();
        store.denseByVector();
        int i = 0;
        for (String id : List.of("a", "b", "c")) {
            store.add(turn(id, i++), unit(0.6, 0.8, 0));
        }
        store.add(turn("x", i++), unit(0.5, 0.866, 0));
        store.add(turn("e1", i++), unit(0.52, 0, 0.854));
        store.add(turn("e2", i), unit(0.52, 0, 0.854));
        store.hits(List.of(new StoreHit("a", 2.0), new StoreHit("b", 2.0), new StoreHit("c", 2.0)), List.of());
        return store;
    }

    private static Memory turn(String id, int i) {
        return Memory.builder().id(id).scope(USER.withSession("s" + i)).kind(Kind.TURN).text("turn " + id)
                .occurredAt(T.plusSeconds(i)).recordedAt(T).build();
    }

    private static List<Recalled> ask(FakeStore store, double feedback) {
        var config = RecallConfig.builder().speakerWeight(0).periodWeight(0).supersededFactor(1).lexicalFullAt(0)
                .sessionWeight(0).feedbackWeight(feedback).build();
        return new RecallPipeline(store, store, Clock.fixed(T.plusSeconds(86_400), ZoneOffset.UTC))
                .recall(USER, RecallQuery.of("what did they find?").withK(4), config).results();
    }

    @Test
    void aTurnCloseToWhatTheQuestionFoundPassesADistractorCloseOnlyToTheQuestion() {
        var without = store();
        List<String> off = ask(without, 0).stream().map(r -> r.memory().id()).toList();
        assertEquals(List.of("a", "b", "c", "e1"), off);
        assertEquals(1, without.denseQueries.size(), "off: one kNN search");

        var with = store();
        List<Recalled> on = ask(with, 0.5);
        assertEquals(List.of("a", "b", "c", "x"), on.stream().map(r -> r.memory().id()).toList());
        assertEquals(2, with.denseQueries.size(), "on: one kNN search more, and no embedding");
        var expected = RecallPipeline.feedbackVector(with.denseQueries.get(0),
                List.of(unit(0.6, 0.8, 0), unit(0.6, 0.8, 0), unit(0.6, 0.8, 0)));
        assertEquals(1, with.denseQueries.get(1).dot(expected), 1e-6, "the question moved toward the three strongest");
        Recalled x = on.get(3);
        var feedback = x.signals().stream().filter(s -> s.name().equals(RecallPipeline.FEEDBACK)).findFirst()
                .orElseThrow();
        assertTrue(feedback.contribution() > 0 && feedback.contribution() <= 0.5,
                "fused at half the dense weight at most: " + feedback.contribution());
        assertFalse(on.stream().anyMatch(r -> r.memory().id().startsWith("e")));
    }
}
