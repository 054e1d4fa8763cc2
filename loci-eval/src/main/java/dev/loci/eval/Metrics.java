package dev.loci.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The retrieval metrics, as the benchmarks define them (checked against the reference scorers in
 * {@code shared/tools}). All functions are pure.
 */
public final class Metrics {
    private Metrics() {
    }

    /**
     * LoCoMo: {@code recall@k} = share of the evidence ids in the first k ranked turns,
     * {@code hit@k} = 1 if all of them are, {@code mrr} = 1 / rank of the first evidence turn
     * (0 if none is ranked).
     */
    public static Map<String, Double> locomo(List<String> ranked, List<String> evidence, List<Integer> ks) {
        var out = new LinkedHashMap<String, Double>();
        for (int k : ks) {
            List<String> top = ranked.subList(0, Math.min(k, ranked.size()));
            long in = evidence.stream().filter(top::contains).count();
            out.put("recall@" + k, in / (double) evidence.size());
            out.put("hit@" + k, in == evidence.size() ? 1.0 : 0.0);
        }
        double mrr = 0;
        for (int i = 0; i < ranked.size(); i++) {
            if (evidence.contains(ranked.get(i))) {
                mrr = 1.0 / (i + 1);
                break;
            }
        }
        out.put("mrr", mrr);
        return out;
    }

    /**
     * LongMemEval: {@code recall_any@k} (some gold id in the top k), {@code recall_all@k} (all of
     * them), {@code ndcg_any@k} (binary-gain DCG of the top k over the ideal DCG of
     * min(k, |gold|) hits), each with {@code prefix} before the name.
     */
    public static Map<String, Double> longMemEval(String prefix, List<String> ranked, Set<String> gold,
                                                  List<Integer> ks) {
        var out = new LinkedHashMap<String, Double>();
        for (int k : ks) {
            List<String> top = ranked.subList(0, Math.min(k, ranked.size()));
            out.put(prefix + "recall_any@" + k, gold.stream().anyMatch(top::contains) ? 1.0 : 0.0);
            out.put(prefix + "recall_all@" + k, top.containsAll(gold) ? 1.0 : 0.0);
            double dcg = 0;
            for (int r = 0; r < top.size(); r++) {
                if (gold.contains(top.get(r))) {
                    dcg += 1 / log2(r + 2);
                }
            }
            double idcg = 0;
            for (int r = 0; r < Math.min(k, gold.size()); r++) {
                idcg += 1 / log2(r + 2);
            }
            out.put(prefix + "ndcg_any@" + k, idcg == 0 ? 0.0 : dcg / idcg);
        }
        return out;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** Sums metrics per group and overall (micro average over questions). Not thread-safe. */
    public static final class Accumulator {
        private final Map<String, Map<String, double[]>> groups = new TreeMap<>();
        private final Map<String, double[]> overall = new LinkedHashMap<>();
        private final Map<String, Integer> groupCounts = new TreeMap<>();
        private int count;

        public void add(String group, Map<String, Double> metrics) {
            var g = groups.computeIfAbsent(group, x -> new LinkedHashMap<>());
            metrics.forEach((name, v) -> {
                g.computeIfAbsent(name, x -> new double[1])[0] += v;
                overall.computeIfAbsent(name, x -> new double[1])[0] += v;
            });
            groupCounts.merge(group, 1, Integer::sum);
            count++;
        }

        public int count() {
            return count;
        }

        public Map<String, Double> overall() {
            return mean(overall, count);
        }

        public Map<String, Map<String, Double>> groups() {
            var out = new LinkedHashMap<String, Map<String, Double>>();
            groups.forEach((name, sums) -> out.put(name, mean(sums, groupCounts.get(name))));
            return out;
        }

        public Map<String, Integer> groupCounts() {
            return Map.copyOf(groupCounts);
        }

        private static Map<String, Double> mean(Map<String, double[]> sums, int n) {
            var out = new LinkedHashMap<String, Double>();
            sums.forEach((k, v) -> out.put(k, n == 0 ? 0.0 : v[0] / n));
            return out;
        }
    }
}
