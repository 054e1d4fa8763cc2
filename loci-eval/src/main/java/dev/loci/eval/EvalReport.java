package dev.loci.eval;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of one benchmark run, written as {@code report.json} (stable schema, for tools)
 * and {@code report.md} (tables, for people). Immutable once built.
 *
 * @param benchmark       "locomo" or "longmemeval"
 * @param defaultPipeline name of Loci's full pipeline
 * @param pipelines       results per pipeline, in display order
 * @param ingest          turns_per_s and embedder_texts_per_s
 * @param counts          items read, repaired, skipped, evaluated
 * @param resources       peak_rss_mb, index_bytes_per_memory, memories
 * @param config          the settings of the run
 * @param headline        metric names shown in the summary table, in order
 * @param context         per token budget: what {@code context} blocks reached (recall, hit,
 *                        tokens_mean, latency_p50_ms ...); empty when not measured
 * @param splits          per part of the data reported on its own (e.g. "tune (1-5)" and
 *                        "held-out (6-10)"), per pipeline: its quality there; empty when not split
 */
public record EvalReport(String benchmark, String defaultPipeline, Map<String, PipelineResult> pipelines,
                         Map<String, Double> ingest, Map<String, Long> counts, Map<String, Double> resources,
                         Map<String, String> config, List<String> headline, Map<String, Map<String, Double>> context,
                         Map<String, Map<String, SplitResult>> splits) {

    public EvalReport(String benchmark, String defaultPipeline, Map<String, PipelineResult> pipelines,
                      Map<String, Double> ingest, Map<String, Long> counts, Map<String, Double> resources,
                      Map<String, String> config, List<String> headline, Map<String, Map<String, Double>> context) {
        this(benchmark, defaultPipeline, pipelines, ingest, counts, resources, config, headline, context, Map.of());
    }

    public EvalReport(String benchmark, String defaultPipeline, Map<String, PipelineResult> pipelines,
                      Map<String, Double> ingest, Map<String, Long> counts, Map<String, Double> resources,
                      Map<String, String> config, List<String> headline) {
        this(benchmark, defaultPipeline, pipelines, ingest, counts, resources, config, headline, Map.of());
    }

    /**
     * @param overall     metric → mean over all questions
     * @param groups      group (category or question type) → metric → mean
     * @param groupSizes  group → number of questions
     * @param latencyMs   p50, p95, p99 of recall wall time
     * @param tokensPerQuery mean cl100k tokens of the top-10 results' texts
     */
    public record PipelineResult(Map<String, Double> overall, Map<String, Map<String, Double>> groups,
                                 Map<String, Integer> groupSizes, Map<String, Double> latencyMs, double tokensPerQuery) {
    }

    /** One pipeline's quality on one split: overall means, per-group means and group sizes. */
    public record SplitResult(Map<String, Double> overall, Map<String, Map<String, Double>> groups,
                              Map<String, Integer> groupSizes) {
    }

    /** p50/p95/p99 in milliseconds of nanosecond samples (nearest rank). */
    static Map<String, Double> latency(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        var out = new LinkedHashMap<String, Double>();
        for (int p : new int[] {50, 95, 99}) {
            int idx = s.length == 0 ? 0 : Math.max(0, (int) Math.ceil(p / 100.0 * s.length) - 1);
            out.put("p" + p, s.length == 0 ? 0.0 : s[idx] / 1e6);
        }
        return out;
    }

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.json"),
                Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson()) + "\n");
        Files.writeString(dir.resolve("report.md"), toMarkdown());
    }

    ObjectNode toJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("benchmark", benchmark);
        root.put("default_pipeline", defaultPipeline);
        ObjectNode pipes = root.putObject("pipelines");
        pipelines.forEach((name, r) -> {
            ObjectNode p = pipes.putObject(name);
            putMetrics(p, r.overall(), r.groups(), r.groupSizes());
            ObjectNode lat = p.putObject("latency_ms");
            r.latencyMs().forEach((k, v) -> lat.put(k, round(v)));
            p.put("tokens_per_query", round(r.tokensPerQuery()));
        });
        ObjectNode in = root.putObject("ingest");
        ingest.forEach((k, v) -> in.put(k, round(v)));
        ObjectNode c = root.putObject("counts");
        counts.forEach(c::put);
        ObjectNode res = root.putObject("resources");
        resources.forEach((k, v) -> res.put(k, round(v)));
        ObjectNode cfg = root.putObject("config");
        config.forEach(cfg::put);
        if (!context.isEmpty()) {
            ObjectNode ctx = root.putObject("context");
            context.forEach((budget, m) -> {
                ObjectNode b = ctx.putObject(budget);
                m.forEach((k, v) -> b.put(k, round(v)));
            });
        }
        if (!splits.isEmpty()) {
            ObjectNode sp = root.putObject("splits");
            splits.forEach((split, rows) -> {
                ObjectNode sn = sp.putObject(split);
                rows.forEach((name, r) -> {
                    putMetrics(sn.putObject(name), r.overall(), r.groups(), r.groupSizes());
                });
            });
        }
        return root;
    }

    /** A pipeline's figures, overall and per group with each group's size, as a report row holds them. */
    private static void putMetrics(ObjectNode p, Map<String, Double> overall, Map<String, Map<String, Double>> groups,
                                   Map<String, Integer> groupSizes) {
        ObjectNode o = p.putObject("overall");
        overall.forEach((k, v) -> o.put(k, round(v)));
        ObjectNode gs = p.putObject("groups");
        groups.forEach((g, m) -> {
            ObjectNode gn = gs.putObject(g);
            m.forEach((k, v) -> gn.put(k, round(v)));
        });
        ObjectNode sizes = p.putObject("group_sizes");
        groupSizes.forEach(sizes::put);
    }

    String toMarkdown() {
        var md = new StringBuilder();
        md.append("# ").append(benchmark.equals("locomo") ? "LoCoMo" : "LongMemEval").append(" retrieval report\n\n");
        md.append("Default pipeline: `").append(defaultPipeline).append("`. ")
                .append("Settings: ").append(config).append("\n\n## Overall\n\n");
        md.append("| pipeline | ").append(String.join(" | ", headline)).append(" | p50 ms | p95 ms | p99 ms | tokens/query |\n");
        md.append("|---|").append("---|".repeat(headline.size() + 4)).append('\n');
        pipelines.forEach((name, r) -> {
            md.append("| ").append(name);
            headline.forEach(h -> md.append(" | ").append(fmt(r.overall().getOrDefault(h, Double.NaN))));
            md.append(" | ").append(fmt2(r.latencyMs().get("p50"))).append(" | ").append(fmt2(r.latencyMs().get("p95")))
                    .append(" | ").append(fmt2(r.latencyMs().get("p99"))).append(" | ")
                    .append(String.format(Locale.ROOT, "%.0f", r.tokensPerQuery())).append(" |\n");
        });
        List<String> groupMetrics = headline.stream().filter(h -> h.endsWith("@5") || h.endsWith("@10")).toList();
        var groupNames = pipelines.values().iterator().next().groups().keySet();
        for (String metric : groupMetrics) {
            md.append("\n## ").append(metric).append(" per group\n\n| pipeline | ");
            md.append(String.join(" | ", groupNames.stream().map(g -> g + " (n=" +
                    pipelines.values().iterator().next().groupSizes().get(g) + ")").toList())).append(" |\n|---|");
            md.append("---|".repeat(groupNames.size())).append('\n');
            pipelines.forEach((name, r) -> {
                md.append("| ").append(name);
                groupNames.forEach(g -> md.append(" | ").append(fmt(r.groups().get(g).getOrDefault(metric, Double.NaN))));
                md.append(" |\n");
            });
        }
        if (!context.isEmpty()) {
            md.append("\n## Context blocks (default pipeline)\n\n")
                    .append("An evidence turn is reached when its whole text is in the block.\n\n")
                    .append("| budget (cl100k) | evidence recall | all evidence | mean tokens | p50 ms | p95 ms | p99 ms |\n")
                    .append("|---|---|---|---|---|---|---|\n");
            context.forEach((budget, m) -> md.append("| ").append(budget).append(" | ").append(fmt(m.get("recall")))
                    .append(" | ").append(fmt(m.get("hit"))).append(" | ").append(fmt2(m.get("tokens_mean")))
                    .append(" | ").append(fmt2(m.get("latency_p50_ms"))).append(" | ")
                    .append(fmt2(m.get("latency_p95_ms"))).append(" | ").append(fmt2(m.get("latency_p99_ms")))
                    .append(" |\n"));
        }
        if (!splits.isEmpty()) {
            splitTables(md);
        }
        md.append("\n## Speed and size\n\n| figure | value |\n|---|---|\n");
        ingest.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(fmt2(v)).append(" |\n"));
        resources.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(fmt2(v)).append(" |\n"));
        md.append("\n## Counts\n\n| count | value |\n|---|---|\n");
        counts.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        return md.toString();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String fmt2(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    /**
     * One table per split, the splits side by side: recall@5, recall@10 and MRR overall, then
     * recall@10 per group, so a change that helps one part of the data only shows.
     */
    private void splitTables(StringBuilder md) {
        List<String> names = List.copyOf(splits.keySet());
        md.append("\n## Splits (").append(String.join(" | ", names)).append(")\n\n")
                .append("Each cell: ").append(String.join(" / ", names)).append(".\n\n");
        var first = splits.get(names.get(0)).values().iterator().next();
        List<String> groupNames = List.copyOf(first.groups().keySet());
        md.append("| pipeline | recall@5 | recall@10 | mrr");
        groupNames.forEach(g -> md.append(" | r@10 ").append(g));
        md.append(" |\n|---|---|---|---|").append("---|".repeat(groupNames.size())).append('\n');
        for (String pipeline : pipelines.keySet()) {
            md.append("| ").append(pipeline);
            for (String metric : List.of("recall@5", "recall@10", "mrr")) {
                md.append(" | ").append(cell(names, pipeline, r -> r.overall().get(metric)));
            }
            for (String g : groupNames) {
                md.append(" | ").append(cell(names, pipeline,
                        r -> r.groups().getOrDefault(g, Map.of()).get("recall@10")));
            }
            md.append(" |\n");
        }
        md.append("\nQuestions per split: ");
        names.forEach(n -> md.append(n).append(' ').append(splits.get(n).values().iterator().next().groupSizes()
                .values().stream().mapToInt(Integer::intValue).sum()).append("; "));
        md.append('\n');
    }

    private String cell(List<String> names, String pipeline, java.util.function.Function<SplitResult, Double> metric) {
        var parts = new java.util.ArrayList<String>();
        for (String n : names) {
            SplitResult r = splits.get(n).get(pipeline);
            Double v = r == null ? null : metric.apply(r);
            parts.add(v == null ? "n/a" : fmt(v));
        }
        return String.join(" / ", parts);
    }
}
