package dev.loci.internal.recall;

import dev.loci.Signal;
import dev.loci.spi.StoreHit;
import java.util.List;

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
        FusedScores fused = new FusedScores();
        for (RankedList list : lists) {
            int rank = 0;
            for (StoreHit hit : list.hits()) {
                rank++;
                fused.add(hit.id(), list.signal(), rank, hit.score(), list.weight() / (k + rank));
            }
        }
        return fused.top(limit);
    }
}
