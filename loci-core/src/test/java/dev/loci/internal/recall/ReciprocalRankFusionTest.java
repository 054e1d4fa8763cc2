package dev.loci.internal.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Signal;
import dev.loci.internal.recall.ReciprocalRankFusion.Fused;
import dev.loci.internal.recall.ReciprocalRankFusion.RankedList;
import dev.loci.spi.StoreHit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReciprocalRankFusionTest {
    private static final double EPS = 1e-15;

    /** Hits for the ids in rank order, with descending raw scores 10, 9, 8, ... */
    private static List<StoreHit> hits(String... ids) {
        var out = new ArrayList<StoreHit>();
        for (int i = 0; i < ids.length; i++) {
            out.add(new StoreHit(ids[i], 10.0 - i));
        }
        return out;
    }

    private static List<String> ids(List<Fused> results) {
        return results.stream().map(r -> r.id()).toList();
    }

    private static Fused find(List<Fused> results, String id) {
        return results.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void firstInBothListsScoresTwoOverKPlusOne() {
        var fused = ReciprocalRankFusion.fuse(60, List.of(
                new RankedList(Signal.BM25, 1.0, hits("x", "y")),
                new RankedList(Signal.DENSE, 1.0, hits("x", "z"))), 10);
        assertEquals(List.of("x", "y", "z"), ids(fused));
        assertEquals(2.0 / 61, fused.get(0).score(), EPS);
        assertEquals(1.0 / 62, fused.get(1).score(), EPS);
        assertEquals(1.0 / 62, fused.get(2).score(), EPS);
    }

    @Test
    void handComputedScoresForTwoLists() {
        // bm25: a b c      dense: b d a
        var fused = ReciprocalRankFusion.fuse(60, List.of(
                new RankedList(Signal.BM25, 1.0, hits("a", "b", "c")),
                new RankedList(Signal.DENSE, 1.0, hits("b", "d", "a"))), 10);
        Map<String, Double> expected = Map.of(
                "a", 1.0 / 61 + 1.0 / 63,
                "b", 1.0 / 62 + 1.0 / 61,
                "c", 1.0 / 63,
                "d", 1.0 / 62);
        // b (1/61+1/62) > a (1/61+1/63) > d (1/62) > c (1/63)
        assertEquals(List.of("b", "a", "d", "c"), ids(fused));
        for (Fused r : fused) {
            assertEquals(expected.get(r.id()), r.score(), EPS, r.id());
        }
    }

    @Test
    void signalsCarryRankRawScoreAndContribution() {
        var fused = ReciprocalRankFusion.fuse(60, List.of(
                new RankedList(Signal.BM25, 2.0, hits("a", "b", "c")),
                new RankedList(Signal.DENSE, 0.5, hits("b", "d", "a"))), 10);

        Fused a = find(fused, "a");
        assertEquals(2, a.signals().size());
        assertEquals(new Signal(Signal.BM25, 1, 10.0, 2.0 / 61), a.signal(Signal.BM25).orElseThrow());
        assertEquals(new Signal(Signal.DENSE, 3, 8.0, 0.5 / 63), a.signal(Signal.DENSE).orElseThrow());
        assertEquals(2.0 / 61 + 0.5 / 63, a.score(), EPS);

        Fused d = find(fused, "d");
        assertEquals(List.of(new Signal(Signal.DENSE, 2, 9.0, 0.5 / 62)), d.signals());
        assertTrue(d.signal(Signal.BM25).isEmpty(), "a signal that did not rank it is absent");

        Fused c = find(fused, "c");
        assertEquals(List.of(new Signal(Signal.BM25, 3, 8.0, 2.0 / 63)), c.signals());
    }

    @Test
    void weightsDecideWhichListWins() {
        // a is first lexically, b is first densely; the heavier list decides
        List<StoreHit> lexical = hits("a", "b");
        List<StoreHit> dense = hits("b", "a");
        var lexicalHeavy = ReciprocalRankFusion.fuse(60, List.of(
                new RankedList(Signal.BM25, 3.0, lexical), new RankedList(Signal.DENSE, 1.0, dense)), 10);
        assertEquals(List.of("a", "b"), ids(lexicalHeavy));
        assertEquals(3.0 / 61 + 1.0 / 62, lexicalHeavy.get(0).score(), EPS);
        assertEquals(3.0 / 62 + 1.0 / 61, lexicalHeavy.get(1).score(), EPS);

        var denseHeavy = ReciprocalRankFusion.fuse(60, List.of(
                new RankedList(Signal.BM25, 1.0, lexical), new RankedList(Signal.DENSE, 3.0, dense)), 10);
        assertEquals(List.of("b", "a"), ids(denseHeavy));
    }

    @Test
    void zeroWeightListStillExplainsButAddsNothing() {
        var fused = ReciprocalRankFusion.fuse(60, List.of(
                new RankedList(Signal.BM25, 1.0, hits("a", "b")),
                new RankedList(Signal.DENSE, 0.0, hits("b", "a", "z"))), 10);
        assertEquals(List.of("a", "b", "z"), ids(fused));
        assertEquals(1.0 / 61, fused.get(0).score(), EPS);
        assertEquals(new Signal(Signal.DENSE, 2, 9.0, 0.0), fused.get(0).signal(Signal.DENSE).orElseThrow());
        assertEquals(0.0, fused.get(2).score());
    }

    @Test
    void kChangesTheScale() {
        var fused = ReciprocalRankFusion.fuse(1, List.of(new RankedList(Signal.BM25, 1.0, hits("a", "b", "c"))), 10);
        assertEquals(1.0 / 2, fused.get(0).score(), EPS);
        assertEquals(1.0 / 3, fused.get(1).score(), EPS);
        assertEquals(1.0 / 4, fused.get(2).score(), EPS);
    }

    @Test
    void equalScoresBreakOnIdWhenBestRanksTie() {
        // a and b swap places: 1/61 + 1/62 each, best rank 1 each -> id order
        var fused = ReciprocalRankFusion.fuse(60, List.of(
                new RankedList(Signal.BM25, 1.0, hits("b", "a")),
                new RankedList(Signal.DENSE, 1.0, hits("a", "b"))), 10);
        assertEquals(fused.get(0).score(), fused.get(1).score());
        assertEquals(List.of("a", "b"), ids(fused));
    }

    @Test
    void equalScoresBreakOnBestRankBeforeId() {
        // k = 1: z is rank 1 once (1/2); "a" is rank 3 twice (1/4 + 1/4 = 1/2). Same score, z's best rank wins
        // although "a" sorts first by id. f2 is rank 1 too (1/2) and beats z on id.
        var fused = ReciprocalRankFusion.fuse(1, List.of(
                new RankedList(Signal.BM25, 1.0, hits("z", "f1", "a")),
                new RankedList(Signal.DENSE, 1.0, hits("f2", "f3", "a"))), 10);
        assertEquals(0.5, find(fused, "a").score(), EPS);
        assertEquals(List.of("f2", "z", "a", "f1", "f3"), ids(fused));
    }

    @Test
    void limitKeepsTheBest() {
        var lists = List.of(
                new RankedList(Signal.BM25, 1.0, hits("a", "b", "c", "d")),
                new RankedList(Signal.DENSE, 1.0, hits("d", "c", "e")));
        var all = ReciprocalRankFusion.fuse(60, lists, 100);
        assertEquals(5, all.size());
        for (int limit = 0; limit <= 6; limit++) {
            var top = ReciprocalRankFusion.fuse(60, lists, limit);
            assertEquals(Math.min(limit, 5), top.size(), "limit " + limit);
            assertEquals(all.subList(0, top.size()), top);
        }
    }

    @Test
    void noListsOrEmptyListsGiveNothing() {
        assertEquals(List.of(), ReciprocalRankFusion.fuse(60, List.of(), 10));
        assertEquals(List.of(), ReciprocalRankFusion.fuse(60, List.of(
                new RankedList(Signal.BM25, 1.0, List.of()), new RankedList(Signal.DENSE, 1.0, List.of())), 10));
    }

    /**
     * Random lists: every contribution is weight / (k + rank), scores are their sums, the order is
     * non-increasing, and it does not depend on the order the lists are given in.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomListsObeyTheFormula(long seed) {
        var random = new Random(seed);
        int k = 1 + random.nextInt(100);
        var lists = new ArrayList<RankedList>();
        var weights = new HashMap<String, Double>();
        for (String signal : List.of(Signal.BM25, Signal.DENSE, "extra")) {
            var pool = new ArrayList<String>();
            for (int i = 0; i < 30; i++) {
                pool.add("m" + i);
            }
            Collections.shuffle(pool, random);
            double weight = random.nextInt(4) == 0 ? 0.0 : random.nextDouble() * 3;
            weights.put(signal, weight);
            lists.add(new RankedList(signal, weight, hits(pool.subList(0, random.nextInt(25)).toArray(String[]::new))));
        }
        int limit = 1 + random.nextInt(40);
        var fused = ReciprocalRankFusion.fuse(k, lists, limit);

        int distinct = (int) lists.stream().flatMap(l -> l.hits().stream()).map(h -> h.id()).distinct().count();
        assertEquals(Math.min(limit, distinct), fused.size());
        for (int i = 0; i < fused.size(); i++) {
            Fused r = fused.get(i);
            double sum = 0;
            for (Signal s : r.signals()) {
                RankedList list = lists.stream().filter(l -> l.signal().equals(s.name())).findFirst().orElseThrow();
                assertEquals(r.id(), list.hits().get(s.rank() - 1).id(), "rank points at the hit");
                assertEquals(list.hits().get(s.rank() - 1).score(), s.score());
                assertEquals(weights.get(s.name()) / (k + s.rank()), s.contribution(), EPS);
                sum += s.contribution();
            }
            assertEquals(sum, r.score(), 1e-12);
            if (i > 0) {
                assertTrue(fused.get(i - 1).score() >= r.score(), "non-increasing at " + i);
            }
        }
        var reversed = new ArrayList<>(lists);
        Collections.reverse(reversed);
        assertEquals(ids(fused), ids(ReciprocalRankFusion.fuse(k, reversed, limit)), "order independent of list order");
    }
}
