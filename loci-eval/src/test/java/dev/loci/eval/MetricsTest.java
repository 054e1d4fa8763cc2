package dev.loci.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The metrics on small rankings whose values are worked out by hand below. The LongMemEval
 * rankings were also fed to the metric function of the reference scorer in shared/tools
 * (lme_bm25_baseline.py), which gives the same numbers, decimals included.
 */
class MetricsTest {
    private static final double EPS = 1e-12;

    @Test
    void locomoRecallHitAndMrr() {
        // evidence a, b; ranked x a y b: a at rank 2, b at rank 4
        Map<String, Double> m = Metrics.locomo(List.of("x", "a", "y", "b"), List.of("a", "b"), List.of(1, 2, 3, 5));
        assertEquals(0.0, m.get("recall@1"), EPS);
        assertEquals(0.5, m.get("recall@2"), EPS);
        assertEquals(0.5, m.get("recall@3"), EPS);
        assertEquals(1.0, m.get("recall@5"), EPS);
        assertEquals(0.0, m.get("hit@1"), EPS);
        assertEquals(0.0, m.get("hit@3"), EPS, "hit needs every evidence turn");
        assertEquals(1.0, m.get("hit@5"), EPS);
        assertEquals(0.5, m.get("mrr"), EPS, "first evidence at rank 2");
    }

    @Test
    void locomoWithEvidenceNeverRankedScoresZero() {
        Map<String, Double> m = Metrics.locomo(List.of("x", "y"), List.of("a"), List.of(1, 10));
        assertEquals(0.0, m.get("recall@10"), EPS);
        assertEquals(0.0, m.get("hit@10"), EPS);
        assertEquals(0.0, m.get("mrr"), EPS);
    }

    @Test
    void locomoShortRankingCountsWhatIsThere() {
        Map<String, Double> m = Metrics.locomo(List.of("a"), List.of("a", "b", "c"), List.of(20));
        assertEquals(1.0 / 3, m.get("recall@20"), EPS);
        assertEquals(1.0, m.get("mrr"), EPS);
    }

    @Test
    void longMemEvalAnyAllAndNdcg() {
        // gold {g1, g2}; ranked x g1 y g2
        Map<String, Double> m = Metrics.longMemEval("s_", List.of("x", "g1", "y", "g2"), Set.of("g1", "g2"),
                List.of(1, 3, 5));
        assertEquals(0.0, m.get("s_recall_any@1"), EPS);
        assertEquals(1.0, m.get("s_recall_any@3"), EPS);
        assertEquals(0.0, m.get("s_recall_all@3"), EPS);
        assertEquals(1.0, m.get("s_recall_all@5"), EPS);
        // @1: no gold in the top 1 -> 0
        assertEquals(0.0, m.get("s_ndcg_any@1"), EPS);
        // @3: dcg = 1/log2(3); idcg = 1/log2(2) + 1/log2(3)
        double l3 = Math.log(3) / Math.log(2);
        assertEquals((1 / l3) / (1 + 1 / l3), m.get("s_ndcg_any@3"), EPS);
        // @5: dcg = 1/log2(3) + 1/log2(5); idcg as above
        double l5 = Math.log(5) / Math.log(2);
        assertEquals((1 / l3 + 1 / l5) / (1 + 1 / l3), m.get("s_ndcg_any@5"), EPS);
        assertEquals(0.38685280723454163, m.get("s_ndcg_any@3"), EPS, "the reference scorer's value");
        assertEquals(0.6509209298071326, m.get("s_ndcg_any@5"), EPS, "the reference scorer's value");
    }

    @Test
    void longMemEvalPerfectRankingIsOne() {
        Map<String, Double> m = Metrics.longMemEval("t_", List.of("g1", "g2", "x"), Set.of("g1", "g2"), List.of(1, 2, 10));
        assertEquals(1.0, m.get("t_ndcg_any@1"), EPS, "idcg at 1 counts one hit");
        assertEquals(1.0, m.get("t_ndcg_any@2"), EPS);
        assertEquals(1.0, m.get("t_ndcg_any@10"), EPS);
        assertEquals(1.0, m.get("t_recall_all@2"), EPS);
    }

    @Test
    void accumulatorAveragesOverallAndPerGroup() {
        var acc = new Metrics.Accumulator();
        acc.add("1 multi-hop", Map.of("recall@5", 1.0));
        acc.add("1 multi-hop", Map.of("recall@5", 0.0));
        acc.add("4 single-hop", Map.of("recall@5", 0.5));
        assertEquals(3, acc.count());
        assertEquals(0.5, acc.overall().get("recall@5"), EPS, "(1 + 0 + 0.5) / 3");
        assertEquals(0.5, acc.groups().get("1 multi-hop").get("recall@5"), EPS);
        assertEquals(0.5, acc.groups().get("4 single-hop").get("recall@5"), EPS);
        assertEquals(Map.of("1 multi-hop", 2, "4 single-hop", 1), acc.groupCounts());
    }
}
