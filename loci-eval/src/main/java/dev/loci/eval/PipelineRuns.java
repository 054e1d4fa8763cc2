package dev.loci.eval;

import dev.loci.engine.LociEngine;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.loci.Loci;
import dev.loci.RecallQuery;
import dev.loci.RecallResult;
import dev.loci.Recalled;
import dev.loci.Scope;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs every pipeline on every question of a benchmark and accumulates metrics, recall latency
 * and tokens of returned text (cl100k, top 10 results). Not thread-safe.
 */
final class PipelineRuns {
    private static final int TOKEN_TOP = 10;

    private final Map<String, Pipelines.Pipeline> pipelines;
    private final Map<String, Metrics.Accumulator> metrics = new LinkedHashMap<>();
    private final Map<String, long[]> latencies = new LinkedHashMap<>();
    private final Map<String, double[]> tokens = new LinkedHashMap<>();
    private final Encoding tokenizer = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    private int questions;

    PipelineRuns(Map<String, Pipelines.Pipeline> pipelines) {
        this.pipelines = pipelines;
        pipelines.keySet().forEach(name -> {
            metrics.put(name, new Metrics.Accumulator());
            latencies.put(name, new long[64]);
            tokens.put(name, new double[1]);
        });
    }

    /** Runs the query through every pipeline; {@code score} turns ranked results into metrics. */
    void run(LociEngine loci, Scope scope, RecallQuery query, String group, Function<List<Recalled>, Map<String, Double>> score) {
        for (var e : pipelines.entrySet()) {
            long t0 = System.nanoTime();
            RecallResult r = e.getValue().recall(loci, scope, query);
            long took = System.nanoTime() - t0;
            long[] lat = latencies.get(e.getKey());
            if (questions == lat.length) {
                lat = Arrays.copyOf(lat, lat.length * 2);
                latencies.put(e.getKey(), lat);
            }
            lat[questions] = took;
            int n = 0;
            for (Recalled x : r.results().subList(0, Math.min(TOKEN_TOP, r.results().size()))) {
                n += tokenizer.countTokens(x.memory().text());
            }
            tokens.get(e.getKey())[0] += n;
            metrics.get(e.getKey()).add(group, score.apply(r.results()));
        }
        questions++;
    }

    int questions() {
        return questions;
    }

    Map<String, EvalReport.PipelineResult> results() {
        var out = new LinkedHashMap<String, EvalReport.PipelineResult>();
        for (String name : pipelines.keySet()) {
            var acc = metrics.get(name);
            out.put(name, new EvalReport.PipelineResult(acc.overall(), acc.groups(), acc.groupCounts(),
                    EvalReport.latency(Arrays.copyOf(latencies.get(name), questions)),
                    questions == 0 ? 0 : tokens.get(name)[0] / questions));
        }
        return out;
    }
}
