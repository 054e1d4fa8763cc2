package dev.loci.eval;

import dev.loci.engine.LociEngine;
import dev.loci.Loci;
import dev.loci.RecallConfig;
import dev.loci.RecallQuery;
import dev.loci.RecallResult;
import dev.loci.Scope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The recall pipelines a report compares, by name. Each is one call of Loci's public API; the
 * baselines differ only in the fusion settings passed for the call. Adding a row is one line.
 */
public final class Pipelines {
    /** Name of Loci's full default pipeline in reports. */
    public static final String DEFAULT = "loci";
    /** Weights the hierarchy steps are measured at in their ablation rows (whether on by default or not). */
    static final double ROUTING = 1.0;
    static final double CONTIGUITY = 0.3;
    static final double TEMPORAL = 0.2;
    static final double DIVERSITY = 0.3;
    static final double RETENTION = 0.5;

    /** One way of recalling. */
    @FunctionalInterface
    public interface Pipeline {
        RecallResult recall(LociEngine loci, Scope scope, RecallQuery query);
    }

    private Pipelines() {
    }

    /**
     * The standard rows: BM25 alone and dense alone (turns only), hybrid fusion, hybrid plus each
     * hierarchy step on its own (routing, contiguity, the temporal steps, diversity, retention)
     * at a fixed weight, and Loci's defaults as configured (the full pipeline). Key expansion
     * happens at ingest, so its ablation is a separate run (see BENCHMARKS.md).
     *
     * @param candidates candidates per signal (at least the recall depth)
     */
    public static Map<String, Pipeline> standard(int candidates) {
        RecallConfig hybrid = RecallConfig.defaults().withCandidates(candidates).flat();
        var rows = new LinkedHashMap<String, Pipeline>();
        rows.put("bm25", (loci, scope, q) -> loci.recall(scope, q, hybrid.lexicalOnly()));
        rows.put("dense", (loci, scope, q) -> loci.recall(scope, q, hybrid.denseOnly()));
        rows.put("hybrid", (loci, scope, q) -> loci.recall(scope, q, hybrid));
        var routing = hybrid.withRouting(ROUTING);
        var contiguity = hybrid.withContiguity(CONTIGUITY);
        var temporal = hybrid.withTemporal(TEMPORAL);
        rows.put("hybrid+routing", (loci, scope, q) -> loci.recall(scope, q, routing));
        rows.put("hybrid+contiguity", (loci, scope, q) -> loci.recall(scope, q, contiguity));
        rows.put("hybrid+temporal", (loci, scope, q) -> loci.recall(scope, q, temporal));
        var diverse = hybrid.withDiversity(DIVERSITY);
        rows.put("hybrid+diversity", (loci, scope, q) -> loci.recall(scope, q, diverse));
        var retained = hybrid.withRetention(RETENTION);
        rows.put("hybrid+retention", (loci, scope, q) -> loci.recall(scope, q, retained));
        rows.put(DEFAULT, LociEngine::recall);
        return rows;
    }
}
