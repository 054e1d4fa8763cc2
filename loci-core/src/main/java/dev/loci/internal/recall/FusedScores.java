package dev.loci.internal.recall;

import dev.loci.Signal;
import dev.loci.internal.recall.ReciprocalRankFusion.Fused;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every fusion does once it knows each list's contribution to each memory: add the
 * contributions up per memory, keep every signal's view, and order the memories by fused score,
 * then best single rank, then id, so the order is total and repeatable. Not thread-safe: one per
 * fusion call.
 */
final class FusedScores {
    private static final class Acc {
        final String id;
        final List<Signal> signals = new ArrayList<>();
        double score;
        int bestRank = Integer.MAX_VALUE;

        Acc(String id) {
            this.id = id;
        }
    }

    private final Map<String, Acc> byId = new LinkedHashMap<>();

    /** The memory {@code id}, at 1-based {@code rank} with {@code rawScore} in one list, gains {@code contribution}. */
    void add(String id, String signal, int rank, double rawScore, double contribution) {
        Acc acc = byId.computeIfAbsent(id, Acc::new);
        acc.signals.add(new Signal(signal, rank, rawScore, contribution));
        acc.score += contribution;
        acc.bestRank = Math.min(acc.bestRank, rank);
    }

    /** The {@code limit} strongest, best first. */
    List<Fused> top(int limit) {
        return byId.values().stream()
                .sorted(Comparator.comparingDouble((Acc a) -> -a.score)
                        .thenComparingInt(a -> a.bestRank)
                        .thenComparing(a -> a.id))
                .limit(limit)
                .map(a -> new Fused(a.id, a.score, a.signals))
                .toList();
    }
}
