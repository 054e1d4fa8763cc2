package dev.loci.internal.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loci.spi.StoreHit;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoreFusionTest {
    private static ScoreFusion.ScoredList bm25(StoreHit... hits) {
        return new ScoreFusion.ScoredList("bm25", 1.0, ScoreFusion.Normalisation.TOP, List.of(hits));
    }

    private static ScoreFusion.ScoredList dense(StoreHit... hits) {
        return new ScoreFusion.ScoredList("dense", 1.0, ScoreFusion.Normalisation.MIN_MAX, List.of(hits));
    }

    @Test
    void aFlatBm25ListLeavesTheOrderToDense() {
        // every candidate matched only the same common word: BM25 scores nearly equal
        var fused = ScoreFusion.fuse(List.of(
                bm25(new StoreHit("short", 1.00), new StoreHit("answer", 0.95), new StoreHit("other", 0.94)),
                dense(new StoreHit("answer", 0.82), new StoreHit("other", 0.70), new StoreHit("short", 0.62))),
                10);
        assertEquals("answer", fused.get(0).id());
    }

    @Test
    void aClearLexicalWinnerKeepsItsLeadOverADenseNearTie() {
        var fused = ScoreFusion.fuse(List.of(
                bm25(new StoreHit("exact", 12.0), new StoreHit("near", 3.0)),
                dense(new StoreHit("near", 0.80), new StoreHit("exact", 0.79), new StoreHit("far", 0.50))), 10);
        assertEquals(List.of("exact", "near", "far"), fused.stream().map(ReciprocalRankFusion.Fused::id).toList());
    }

    @Test
    void normalisationKeepsFlatListsFlatAndSpreadsCosines() {
        assertEquals(0.5, ScoreFusion.normalise(ScoreFusion.Normalisation.TOP, 2, 4, 1), 1e-9);
        assertEquals(1.0 / 3, ScoreFusion.normalise(ScoreFusion.Normalisation.MIN_MAX, 2, 4, 1), 1e-9);
        assertEquals(1.0, ScoreFusion.normalise(ScoreFusion.Normalisation.MIN_MAX, 0.7, 0.7, 0.7), 1e-9);
        assertEquals(0.0, ScoreFusion.normalise(ScoreFusion.Normalisation.TOP, 0, 0, 0), 1e-9);
    }

    @Test
    void aFixedSpanScoresACosineGapTheSameHoweverManyCandidatesThereAre() {
        // the same best two cosines, with few close candidates (a long history) or a wide spread (a short one)
        var crowded = List.of(new StoreHit("a", 0.80), new StoreHit("b", 0.75), new StoreHit("c", 0.74));
        var spread = List.of(new StoreHit("a", 0.80), new StoreHit("b", 0.75), new StoreHit("c", 0.30));
        for (var hits : List.of(crowded, spread)) {
            var fused = ScoreFusion.fuse(List.of(new ScoreFusion.ScoredList("dense", 1.0,
                    ScoreFusion.Normalisation.SPAN, 0.2, hits)), 10);
            assertEquals(1.0, fused.get(0).score(), 1e-9);
            assertEquals(0.75, fused.get(1).score(), 1e-9, "0.05 below the best of a 0.2 span");
        }
        // min-max instead gives b 0 in the crowded list and 0.9 in the spread one
        assertEquals(0.0, ScoreFusion.fuse(List.of(dense(crowded.toArray(StoreHit[]::new))), 10).get(1).score(), 0.2);
        var far = ScoreFusion.fuse(List.of(new ScoreFusion.ScoredList("dense", 1.0, ScoreFusion.Normalisation.SPAN, 0.2,
                spread)), 10);
        assertEquals(0.0, far.get(2).score(), 1e-9, "more than a span below the best gains nothing");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ScoreFusion.ScoredList("dense", 1.0, ScoreFusion.Normalisation.SPAN, 0, spread));
    }

    @Test
    void equalScoresShareARankSoTheStoresOrderDecidesNoTie() {
        // the same two tied memories, listed in either order (as a store lists them in write order)
        for (var order : List.of(List.of("b", "a"), List.of("a", "b"))) {
            var fused = ScoreFusion.fuse(List.of(new ScoreFusion.ScoredList("bm25", 1.0, ScoreFusion.Normalisation.TOP,
                    List.of(new StoreHit("top", 3.0), new StoreHit(order.get(0), 1.5), new StoreHit(order.get(1), 1.5)))), 10);
            assertEquals(List.of("top", "a", "b"), fused.stream().map(ReciprocalRankFusion.Fused::id).toList());
            assertEquals(2, fused.get(2).signal("bm25").orElseThrow().rank());
        }
    }

    @Test
    void aMemoryMissingFromAListGainsNothingFromIt() {
        var fused = ScoreFusion.fuse(List.of(bm25(new StoreHit("a", 2.0)), dense(new StoreHit("b", 0.9),
                new StoreHit("c", 0.4))), 10);
        assertEquals(1.0, fused.get(0).score(), 1e-9);
        assertEquals(1, fused.stream().filter(f -> f.id().equals("c")).findFirst().orElseThrow().signals().size());
    }
}
