package dev.loci.internal.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sessions first: a session's candidates score it, and each rises by a share of its session's score. */
class SessionsFirstTest {
    private static final Scope USER = Scope.user("t", "u");
    private static final Instant T = Instant.parse("2024-05-10T10:00:00Z");

    @Test
    void aSessionScoresItsBestPlusHalfItsSecondBest() {
        Map<String, Double> scores = RecallPipeline.sessionScores(List.of(1.0, 0.9, 0.85, 0.8, 0.7, 0.6),
                Arrays.asList("s1", "s2", "s3", "s2", null, "s2"));
        assertEquals(1.0, scores.get("s1"), 1e-12);
        assertEquals(0.9 + 0.5 * 0.8, scores.get("s2"), 1e-12, "a third turn adds nothing");
        assertEquals(0.85, scores.get("s3"), 1e-12);
        assertEquals(3, scores.size(), "a turn without a session scores no session");
    }

    /** A (s1) alone and strongest; B and C of s2 modest; D alone in s3; E without a session. BM25 scores only. */
    private static List<String> ask(double weight) {
        var store = new FakeStore();
        String[][] turns = {{"A", "s1"}, {"B", "s2"}, {"C", "s2"}, {"D", "s3"}, {"E", null}};
        double[] bm25 = {1.0, 0.9, 0.8, 0.85, 0.7};
        var hits = new java.util.ArrayList<StoreHit>();
        for (int i = 0; i < turns.length; i++) {
            Scope scope = turns[i][1] == null ? USER : USER.withSession(turns[i][1]);
            store.add(Memory.builder().id(turns[i][0]).scope(scope).kind(Kind.TURN).text("turn " + i)
                    .occurredAt(T.plusSeconds(i)).recordedAt(T).build(), Embedding.of(new float[] {1, 0, 0}));
            hits.add(new StoreHit(turns[i][0], bm25[i]));
        }
        hits.sort((a, b) -> Double.compare(b.score(), a.score()));
        store.hits(hits, List.of());
        var config = RecallConfig.builder().denseTopN(0).speakerWeight(0).periodWeight(0).supersededFactor(1)
                .lexicalFullAt(0).sessionWeight(weight).build();
        List<Recalled> r = new RecallPipeline(store, store, Clock.fixed(T.plusSeconds(86_400), ZoneOffset.UTC))
                .recall(USER, RecallQuery.of("what happened?").withK(5), config).results();
        if (weight > 0) {
            assertTrue(r.stream().allMatch(x -> x.signals().stream().anyMatch(s -> s.name().equals(
                    RecallPipeline.SESSION))), "every candidate among the strongest carries its session's raise");
        }
        return r.stream().map(x -> x.memory().id()).toList();
    }

    @Test
    void twoModestTurnsOfOneSessionPassALoneStrongTurnAndLoneTurnsKeepTheirOrder() {
        assertEquals(List.of("A", "B", "D", "C", "E"), ask(0));
        // A 1 + 0.5 x 1; B 0.9 + 0.5 x 1.3; C 0.8 + 0.5 x 1.3; D 0.85 x 1.5; E 0.7 x 1.5
        assertEquals(List.of("B", "A", "C", "D", "E"), ask(0.5));
    }
}
