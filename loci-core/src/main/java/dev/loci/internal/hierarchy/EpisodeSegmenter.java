package dev.loci.internal.hierarchy;

import dev.loci.ConsolidationConfig;
import dev.loci.spi.Embedding;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a run of turns into episodes where the topic shifts, after EM-LLM's event segmentation:
 * a turn's novelty is 1 - cosine to the running centroid of the open episode; it opens a new
 * episode when the novelty exceeds the mean plus gamma standard deviations of the recent
 * novelties (and the open episode has its minimum length). Each boundary is then refined: moved
 * one turn earlier or later when that raises the similarity of both sides' turns to their own
 * centroids. Pure and deterministic.
 */
final class EpisodeSegmenter {
    /** Novelties seen before a threshold is trusted (two values give a meaningless deviation). */
    private static final int MIN_HISTORY = 3;

    private EpisodeSegmenter() {
    }

    /** Start indices of the episodes (the first is always 0). */
    static List<Integer> segment(List<Embedding> turns, ConsolidationConfig config) {
        return segment(Primer.NONE, turns, config);
    }

    /**
     * Start indices of the episodes of {@code turns} (the first is always 0), which follow the
     * closed episodes of {@code primer}: those are replayed first, with their boundaries kept, so
     * the recent novelties the threshold is computed over are those of one run over both.
     */
    static List<Integer> segment(Primer primer, List<Embedding> turns, ConsolidationConfig config) {
        if (turns.isEmpty()) {
            return new ArrayList<>();
        }
        List<Embedding> all = primer.isEmpty() ? turns : new ArrayList<>(primer.vectors());
        if (!primer.isEmpty()) {
            all.addAll(turns);
        }
        int fixed = primer.isEmpty() ? -1 : primer.vectors().size();
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        int dims = all.get(0).dimensions();
        double[] centroid = new double[dims];
        add(centroid, all.get(0));
        int open = 1;
        List<Double> novelties = new ArrayList<>();
        for (int i = 1; i < all.size(); i++) {
            double novelty = 1 - cosine(centroid, all.get(i));
            boolean surprising = novelties.size() >= MIN_HISTORY && novelty > threshold(novelties, config);
            novelties.add(novelty);
            if (novelties.size() > config.noveltyWindow()) {
                novelties.remove(0);
            }
            boolean boundary = i < fixed ? primer.starts().contains(i) : i == fixed
                    || (surprising && open >= config.minEpisodeTurns()) || open >= config.maxEpisodeTurns();
            if (boundary) {
                starts.add(i);
                centroid = new double[dims];
                open = 0;
            }
            add(centroid, all.get(i));
            open++;
        }
        refine(all, starts, fixed, config);
        if (fixed < 0) {
            return starts;
        }
        List<Integer> out = new ArrayList<>();
        for (int start : starts) {
            if (start >= fixed) {
                out.add(start - fixed);
            }
        }
        return out;
    }

    private static double threshold(List<Double> recent, ConsolidationConfig config) {
        double mean = recent.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double var = recent.stream().mapToDouble(v -> (v - mean) * (v - mean)).average().orElse(0);
        return mean + config.boundaryGamma() * Math.sqrt(var);
    }

    /**
     * Moves each inner boundary by one turn when that makes both neighbouring episodes tighter
     * (not the {@code fixed} one, nor those before it).
     */
    private static void refine(List<Embedding> turns, List<Integer> starts, int fixed, ConsolidationConfig config) {
        for (int b = 1; b < starts.size(); b++) {
            if (starts.get(b) <= fixed) {
                continue;
            }
            int from = starts.get(b - 1);
            int to = b + 1 < starts.size() ? starts.get(b + 1) : turns.size();
            int best = starts.get(b);
            double bestScore = cohesion(turns, from, best) + cohesion(turns, best, to);
            for (int candidate : new int[] {best - 1, best + 1}) {
                if (candidate - from < config.minEpisodeTurns() || to - candidate < 1
                        || candidate - from > config.maxEpisodeTurns()) {
                    continue;
                }
                double score = cohesion(turns, from, candidate) + cohesion(turns, candidate, to);
                if (score > bestScore + 1e-9) {
                    best = candidate;
                    bestScore = score;
                }
            }
            starts.set(b, best);
        }
    }

    /** Sum of cosines of turns [from, to) to their centroid. */
    private static double cohesion(List<Embedding> turns, int from, int to) {
        double[] c = new double[turns.get(0).dimensions()];
        for (int i = from; i < to; i++) {
            add(c, turns.get(i));
        }
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += cosine(c, turns.get(i));
        }
        return sum;
    }

    private static void add(double[] acc, Embedding e) {
        for (int d = 0; d < acc.length; d++) {
            acc[d] += e.get(d);
        }
    }

    static double cosine(double[] a, Embedding b) {
        double dot = 0;
        double na = 0;
        for (int d = 0; d < a.length; d++) {
            dot += a[d] * b.get(d);
            na += a[d] * a[d];
        }
        return na == 0 ? 0 : dot / Math.sqrt(na); // b is unit length
    }
}
