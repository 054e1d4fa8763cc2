package dev.loci.eval;

import dev.loci.Loci;
import dev.loci.LociConfig.RecallConfig;
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

    /** One way of recalling. */
    @FunctionalInterface
    public interface Pipeline {
        RecallResult recall(Loci loci, Scope scope, RecallQuery query);
    }

    private Pipelines() {
    }

    /**
     * The standard rows: BM25 alone, dense alone, hybrid fusion (all three on turns only, no
     * hierarchy routing), hybrid with hierarchy routing, and Loci's defaults as configured.
     *
     * @param candidates candidates per signal for the baselines (at least the recall depth)
     */
    public static Map<String, Pipeline> standard(int candidates) {
        RecallConfig base = RecallConfig.defaults();
        RecallConfig routed = new RecallConfig(Math.max(candidates, base.lexicalTopN()),
                Math.max(candidates, base.denseTopN()), base.rrfK(), base.lexicalWeight(), base.denseWeight(),
                base.routingWeight(), base.episodeTopN());
        RecallConfig hybrid = routed.withRouting(0);
        var rows = new LinkedHashMap<String, Pipeline>();
        rows.put("bm25", (loci, scope, q) -> loci.recall(scope, q, hybrid.lexicalOnly()));
        rows.put("dense", (loci, scope, q) -> loci.recall(scope, q, hybrid.denseOnly()));
        rows.put("hybrid", (loci, scope, q) -> loci.recall(scope, q, hybrid));
        rows.put("hybrid+routing", (loci, scope, q) -> loci.recall(scope, q, routed));
        rows.put(DEFAULT, Loci::recall);
        return rows;
    }
}
