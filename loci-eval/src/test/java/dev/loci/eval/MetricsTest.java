package dev.loci.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The metrics against hand-computed values. Every expected number here was also produced by the
 * reference scorers in shared/tools (locomo_bm25_baseline.py with its ranking fixed to the list
 * below, and the metrics function of lme_bm25_baseline.py) and agrees with them.
 */
class MetricsTest {
    private static final double EPS = 1e-9;

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Test
    void locomoRecallCountsTheShareOfEvidenceInTheTopK() {
        Map<String, Double> m = Metrics.locomo(List.of("x", "a", "y", "b"), List.of("a", "b"), List.of(1, 2, 3, 4, 5));
        assertEquals(0.0, m.get("recall@1"));
        assertEquals(0.5, m.get("recall@2"));
        assertEquals(0.5, m.get("recall@3"));
        assertEquals(1.0, m.get("recall@4"));
        assertEquals(1.0, m.get("recall@5"), "a k beyond the list keeps what was found");
    }

    @Test
    void locomoHitNeedsAllEvidenceInTheTopK() {
        Map<String, Double> m = Metrics.locomo(List.of("x", "a", "y", "b"), List.of("a", "b"), List.of(1, 2, 3, 4, 5));
        assertEquals(0.0, m.get("hit@1"));
        assertEquals(0.0, m.get("hit@2"), "half the evidence is not a hit");
        assertEquals(0.0, m.get("hit@3"));
        assertEquals(1.0, m.get("hit@4"));
        assertEquals(1.0, m.get("hit@5"));
    }

    @Test
    void locomoMrrIsTheReciprocalRankOfTheFirstEvidenceTurn() {
        assertEquals(1 / 2.0, Metrics.locomo(List.of("x", "a", "y", "b"), List.of("a", "b"), List.of(1)).get("mrr"));
        assertEquals(1 / 5.0, Metrics.locomo(List.of("x", "a", "y", "b", "c"), List.of("c"), List.of(1)).get("mrr"));
        assertEquals(1.0, Metrics.locomo(List.of("b", "a"), List.of("a", "b"), List.of(1)).get("mrr"));
    }

    @Test
    void locomoEvidenceNeverRankedScoresZero() {
        Map<String, Double> m = Metrics.locomo(List.of("x", "y"), List.of("a"), List.of(1, 5));
        assertEquals(Map.of("recall@1", 0.0, "hit@1", 0.0, "recall@5", 0.0, "hit@5", 0.0, "mrr", 0.0), m);
    }

    @Test
    void locomoMetricNamesFollowTheCutOffsInOrder() {
        Map<String, Double> m = Metrics.locomo(List.of("a"), List.of("a"), List.of(1, 10));
        assertEquals(List.of("recall@1", "hit@1", "recall@10", "hit@10", "mrr"), List.copyOf(m.keySet()));
    }

    @Test
    void longMemEvalRecallAnyAndAll() {
        Map<String, Double> m = Metrics.longMemEval("", List.of("s3", "s1", "s4", "s2"), Set.of("s1", "s2"),
                List.of(1, 3, 5));
        assertEquals(0.0, m.get("recall_any@1"));
        assertEquals(0.0, m.get("recall_all@1"));
        assertEquals(1.0, m.get("recall_any@3"));
        assertEquals(0.0, m.get("recall_all@3"), "s2 is fourth");
        assertEquals(1.0, m.get("recall_any@5"));
        assertEquals(1.0, m.get("recall_all@5"));
    }

    @Test
    void longMemEvalNdcgUsesBinaryGainOverTheIdealOfMinKAndGold() {
        Map<String, Double> m = Metrics.longMemEval("", List.of("s3", "s1", "s4", "s2"), Set.of("s1", "s2"),
                List.of(1, 3, 5));
        assertEquals(0.0, m.get("ndcg_any@1"));
        double ideal = 1 / log2(2) + 1 / log2(3);
        assertEquals((1 / log2(3)) / ideal, m.get("ndcg_any@3"), EPS);
        assertEquals(0.386852807234542, m.get("ndcg_any@3"), EPS);
        assertEquals((1 / log2(3) + 1 / log2(5)) / ideal, m.get("ndcg_any@5"), EPS);
        assertEquals(0.650920929807133, m.get("ndcg_any@5"), EPS);
    }

    @Test
    void longMemEvalIdealDcgIsCutAtK() {
        Map<String, Double> m = Metrics.longMemEval("", List.of("a", "b", "c"), Set.of("a", "b", "c"), List.of(1, 2));
        assertEquals(1.0, m.get("ndcg_any@1"), "one hit in one place is ideal although three are gold");
        assertEquals(0.0, m.get("recall_all@1"));
        assertEquals(1.0, m.get("ndcg_any@2"));
    }

    @Test
    void longMemEvalNamesCarryThePrefix() {
        Map<String, Double> m = Metrics.longMemEval("turn_", List.of("a"), Set.of("a"), List.of(1));
        assertEquals(List.of("turn_recall_any@1", "turn_recall_all@1", "turn_ndcg_any@1"), List.copyOf(m.keySet()));
    }

    @Test
    void accumulatorAveragesPerQuestionOverallAndPerGroup() {
        var acc = new Metrics.Accumulator();
        acc.add("b", Map.of("recall@1", 1.0));
        acc.add("a", Map.of("recall@1", 0.0));
        acc.add("a", Map.of("recall@1", 0.5));
        assertEquals(3, acc.count());
        assertEquals(1.5 / 3, acc.overall().get("recall@1"), EPS);
        assertEquals(Map.of("a", Map.of("recall@1", 0.25), "b", Map.of("recall@1", 1.0)), acc.groups());
        assertEquals(List.of("a", "b"), List.copyOf(acc.groups().keySet()), "groups are sorted by name");
        assertEquals(Map.of("a", 2, "b", 1), acc.groupCounts());
    }

    @Test
    void emptyAccumulatorReportsNothing() {
        var acc = new Metrics.Accumulator();
        assertEquals(Map.of(), acc.overall());
        assertEquals(Map.of(), acc.groups());
    }
}
