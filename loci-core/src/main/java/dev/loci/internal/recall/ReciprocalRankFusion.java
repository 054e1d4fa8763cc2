package dev.loci.internal.recall;

import dev.loci.Signal;
import dev.loci.spi.StoreHit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weighted reciprocal rank fusion: a memory at 1-based rank r in a list of weight w gains
 * {@code w / (k + r)}. Ties break on the best single rank, then on id, so the order is total and
 * repeatable. Stateless.
 */
public final class ReciprocalRankFusion {
    private ReciprocalRankFusion() {
    }

    /** One ranked list to fuse. */
    public record RankedList(String signal, double weight, List<StoreHit> hits) {
    }

    /** One fused result: the memory id, its fused score and every signal's view of it. */
    public record Fused(String id, double score, List<Signal> signals) {
        public Fused {
            signals = List.copyOf(signals);
        }

        /** The named signal's view, empty if that signal did not rank this id. */
        public java.util.Optional<Signal> signal(String name) {
            return signals.stream().filter(s -> s.name().equals(name)).findFirst();
        }
    }

    public static List<Fused> fuse(int k, List<RankedList> lists, int limit) {
        record Acc(String id, List<Signal> signals, double[] score, int[] bestRank) {
        }
        Map<String, Acc> byId = new LinkedHashMap<>();
        for (RankedList list : lists) {
            int rank = 0;
            for (StoreHit hit : list.hits()) {
                rank++;
                double contribution = list.weight() / (k + rank);
                var acc = byId.computeIfAbsent(hit.id(),
                        id -> new Acc(id, new ArrayList<>(), new double[1], new int[] {Integer.MAX_VALUE}));
                acc.signals().add(new Signal(list.signal(), rank, hit.score(), contribution));
                acc.score()[0] += contribution;
                acc.bestRank()[0] = Math.min(acc.bestRank()[0], rank);
            }
        }
        return byId.values().stream()
                .sorted(Comparator.comparingDouble((Acc a) -> -a.score()[0])
                        .thenComparingInt(a -> a.bestRank()[0])
                        .thenComparing(Acc::id))
                .limit(limit)
                .map(a -> new Fused(a.id(), a.score()[0], a.signals()))
                .toList();
    }
}
