package dev.loci.eval;

import dev.loci.engine.LociEngine;
import dev.loci.ContextBlock;
import dev.loci.Loci;
import dev.loci.RecallQuery;
import dev.loci.Scope;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks {@code context} for every question at each budget and measures what the block reaches: an
 * evidence turn counts as reached when its whole text is in the block (a placeholder's first
 * words do not count; a summary counts for the turns it quotes in full). Not thread-safe.
 */
final class ContextRuns {
    private final List<Integer> budgets;
    private final Map<Integer, double[]> sums = new LinkedHashMap<>(); // recall, hit, tokens
    private final Map<Integer, long[]> latencies = new LinkedHashMap<>();
    private int questions;

    ContextRuns(List<Integer> budgets) {
        this.budgets = List.copyOf(budgets);
        budgets.forEach(b -> {
            sums.put(b, new double[3]);
            latencies.put(b, new long[64]);
        });
    }

    /** {@code evidenceTexts}: the remembered text of each evidence turn. */
    void run(LociEngine loci, Scope scope, String question, List<String> evidenceTexts) {
        for (int budget : budgets) {
            long t0 = System.nanoTime();
            ContextBlock block = loci.context(scope, RecallQuery.of(question), budget);
            long took = System.nanoTime() - t0;
            long[] lat = latencies.get(budget);
            if (questions == lat.length) {
                lat = Arrays.copyOf(lat, lat.length * 2);
                latencies.put(budget, lat);
            }
            lat[questions] = took;
            long reached = evidenceTexts.stream().filter(t -> block.text().contains(t.replace('\n', ' '))).count();
            double[] s = sums.get(budget);
            s[0] += reached / (double) evidenceTexts.size();
            s[1] += reached == evidenceTexts.size() ? 1 : 0;
            s[2] += block.tokens();
        }
        questions++;
    }

    /** Per budget: evidence recall, all-evidence hit, mean tokens, and latency percentiles. */
    Map<String, Map<String, Double>> results() {
        var out = new LinkedHashMap<String, Map<String, Double>>();
        for (int budget : budgets) {
            var m = new LinkedHashMap<String, Double>();
            double[] s = sums.get(budget);
            m.put("recall", questions == 0 ? 0 : s[0] / questions);
            m.put("hit", questions == 0 ? 0 : s[1] / questions);
            m.put("tokens_mean", questions == 0 ? 0 : s[2] / questions);
            EvalReport.latency(Arrays.copyOf(latencies.get(budget), questions))
                    .forEach((k, v) -> m.put("latency_" + k + "_ms", v));
            out.put(Integer.toString(budget), m);
        }
        return out;
    }
}
