package dev.loci.eval;

import dev.loci.engine.LociEngine;
import dev.loci.Loci;
import dev.loci.RecallConfig;
import dev.loci.RecallQuery;
import dev.loci.RecallResult;
import dev.loci.Scope;
import java.util.LinkedHashMap;
import java.util.List;
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
    static final double SUPERSESSION = RecallConfig.DEFAULT_SUPERSEDED_FACTOR;
    static final double RECENCY = 0.1;
    /** The cosine the newer-first step is measured at: see {@link RecallConfig#sameMatterCosine()}. */
    static final double SAME_MATTER = 0.6;
    /** Memories in reach from which BM25 has its full weight in the small-store row (the default is 100). */
    static final int LEXICAL_FULL_AT = 300;
    /** The seventh round's steps for evidence spread over sessions, at the weights fixed before any run. */
    static final double FEEDBACK = 0.5;
    static final double FACT_KEYS = 1.0;

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
        // "hybrid" is plain rank fusion with the temporal step as it was first measured (window 50,
        // full period weight), so every ablation row below changes one thing against it
        RecallConfig hybrid = RecallConfig.defaults().withCandidates(candidates).flat().toBuilder()
                .fusion(RecallConfig.Fusion.RRF).temporalCandidates(50).lexicalFullAt(0).build();
        var rows = new LinkedHashMap<String, Pipeline>();
        rows.put("bm25", (loci, scope, q) -> loci.recall(scope, q, hybrid.lexicalOnly()));
        rows.put("dense", (loci, scope, q) -> loci.recall(scope, q, hybrid.denseOnly()));
        rows.put("hybrid", (loci, scope, q) -> loci.recall(scope, q, hybrid));
        // the question's vector without the speakers' names it holds (on by default, off in the plain rows)
        var namelessDense = hybrid.denseOnly().toBuilder().namelessDense(true).build();
        rows.put("dense+nameless", (loci, scope, q) -> loci.recall(scope, q, namelessDense));
        var routing = hybrid.withRouting(ROUTING);
        var contiguity = hybrid.withContiguity(CONTIGUITY);
        var temporal = hybrid.toBuilder().temporalWeight(TEMPORAL).periodWeight(1.0).build();
        rows.put("hybrid+routing", (loci, scope, q) -> loci.recall(scope, q, routing));
        rows.put("hybrid+contiguity", (loci, scope, q) -> loci.recall(scope, q, contiguity));
        rows.put("hybrid+temporal", (loci, scope, q) -> loci.recall(scope, q, temporal));
        var diverse = hybrid.withDiversity(DIVERSITY);
        rows.put("hybrid+diversity", (loci, scope, q) -> loci.recall(scope, q, diverse));
        var retained = hybrid.withRetention(RETENTION);
        rows.put("hybrid+retention", (loci, scope, q) -> loci.recall(scope, q, retained));
        var superseded = hybrid.withSupersession(SUPERSESSION);
        rows.put("hybrid+supersession", (loci, scope, q) -> loci.recall(scope, q, superseded));
        var recent = hybrid.toBuilder().recencyWeight(RECENCY).build();
        rows.put("hybrid+recency", (loci, scope, q) -> loci.recall(scope, q, recent));
        var scores = hybrid.toBuilder().fusion(RecallConfig.Fusion.SCORES).build();
        rows.put("scores", (loci, scope, q) -> loci.recall(scope, q, scores));
        rows.put("loci-speaker", (loci, scope, q) -> loci.recall(scope, q,
                loci.config().recall().toBuilder().speakerWeight(0).build()));
        // off by default: neutral (present) or worse (spread) on LoCoMo, kept as rows for long histories
        rows.put("loci+present0.1", (loci, scope, q) -> loci.recall(scope, q,
                loci.config().recall().toBuilder().presentWeight(0.1).build()));
        rows.put("loci+spread0.1", (loci, scope, q) -> loci.recall(scope, q,
                loci.config().recall().toBuilder().sessionSpread(0.1).build()));
        // the default without one of its steps each, to see what each costs on a longer history (--haystack)
        rows.put("loci-supersession", (loci, scope, q) -> loci.recall(scope, q,
                loci.config().recall().toBuilder().supersededFactor(1.0).build()));
        // the two temporal steps apart: the period a question names (on), and the "when" preference for turns
        // naming a time (off since 2026-12-05)
        rows.put("loci-period", (loci, scope, q) -> loci.recall(scope, q,
                loci.config().recall().toBuilder().periodWeight(0).build()));
        rows.put("loci+when0.2", (loci, scope, q) -> loci.recall(scope, q,
                loci.config().recall().toBuilder().temporalWeight(0.2).build()));
        rows.put("loci+lexical0.5", (loci, scope, q) -> loci.recall(scope, q,
                loci.config().recall().toBuilder().lexicalWeight(0.5).build()));
        // cosines on a fixed span below the best (the default, 0.2) or min-max within the candidates (0)
        rows.put("loci-span", (loci, scope, q) -> loci.recall(scope, q,
                loci.config().recall().toBuilder().denseSpan(0).build()));
        for (double span : new double[] {0.1, 0.3}) {
            rows.put("loci+span" + span, (loci, scope, q) -> loci.recall(scope, q,
                    loci.config().recall().toBuilder().denseSpan(span).build()));
        }
        // the newer of two statements of one speaker on the same matter first (off), and BM25's say shrinking
        // on small stores (on, full from 100 memories in reach; at 300 and off as rows): the sixth round
        var newer = (Pipeline) (loci, scope, q) -> loci.recall(scope, q,
                loci.config().recall().toBuilder().sameMatterCosine(SAME_MATTER).build());
        rows.put("loci+newer", newer);
        rows.put("loci+newer0.7", (loci, scope, q) -> loci.recall(scope, q,
                loci.config().recall().toBuilder().sameMatterCosine(0.7).build()));
        rows.put("loci-newer", (loci, scope, q) -> loci.recall(scope, q,
                loci.config().recall().toBuilder().sameMatterCosine(0).build()));
        rows.put("loci+smallbm25at300", (loci, scope, q) -> loci.recall(scope, q,
                loci.config().recall().toBuilder().lexicalFullAt(LEXICAL_FULL_AT).build()));
        rows.put("loci-smallbm25", (loci, scope, q) -> loci.recall(scope, q,
                loci.config().recall().toBuilder().lexicalFullAt(0).build()));
        // evidence spread over sessions (the seventh round): vector pseudo-relevance feedback (off), sessions scored
        // by their candidates first (on, 0.5), facts as keys of the turns they were read from (off); each also at
        // another weight, to see how much the weight fixed beforehand decides (tune on conversations 1-5 only)
        addWeighted(rows, "loci+feedback", FEEDBACK, new double[] {0.25, 1.0},
                (c, w) -> c.toBuilder().feedbackWeight(w).build());
        rows.put("loci-sessions", (loci, scope, q) -> loci.recall(scope, q,
                loci.config().recall().toBuilder().sessionWeight(0).build()));
        for (double w : new double[] {0.25, 1.0}) {
            rows.put("loci+sessions" + w, (loci, scope, q) -> loci.recall(scope, q,
                    loci.config().recall().toBuilder().sessionWeight(w).build()));
        }
        addWeighted(rows, "loci+facts", FACT_KEYS, new double[] {0.5}, (c, w) -> c.toBuilder().factWeight(w).build());
        rows.put("loci+feedback+facts", (loci, scope, q) -> loci.recall(scope, q,
                loci.config().recall().toBuilder().feedbackWeight(FEEDBACK).factWeight(FACT_KEYS).build()));
        // the question's vector with the speakers' names it holds (the eighth round turned it off)
        rows.put("loci-nameless", (loci, scope, q) -> loci.recall(scope, q,
                loci.config().recall().toBuilder().namelessDense(false).build()));
        // the speaker step at its weight before the eighth round (0.2; names and persons alike then) and above it
        for (double w : new double[] {0.2, 0.6}) {
            rows.put("loci+speaker" + w, (loci, scope, q) -> loci.recall(scope, q,
                    loci.config().recall().toBuilder().speakerWeight(w).build()));
        }
        rows.put(DEFAULT, LociEngine::recall);
        return rows;
    }

    /** A row of the default with one step at {@code weight}, named {@code name}, and one per other weight. */
    private static void addWeighted(Map<String, Pipeline> rows, String name, double weight, double[] others,
                                    java.util.function.BiFunction<RecallConfig, Double, RecallConfig> with) {
        rows.put(name, (loci, scope, q) -> loci.recall(scope, q, with.apply(loci.config().recall(), weight)));
        for (double w : others) {
            rows.put(name + w, (loci, scope, q) -> loci.recall(scope, q, with.apply(loci.config().recall(), w)));
        }
    }

    /**
     * The rows named, in the order given, and always {@link #DEFAULT}; an empty list keeps all.
     *
     * @throws dev.loci.InvalidInputException naming the option when a row does not exist
     */
    public static Map<String, Pipeline> select(Map<String, Pipeline> rows, List<String> names) {
        if (names.isEmpty()) {
            return rows;
        }
        var out = new LinkedHashMap<String, Pipeline>();
        for (String name : names) {
            Pipeline p = rows.get(name.strip());
            if (p == null) {
                throw new dev.loci.InvalidInputException("--pipelines", "'" + name.strip() + "' is not a row; rows: "
                        + String.join(", ", rows.keySet()));
            }
            out.put(name.strip(), p);
        }
        out.putIfAbsent(DEFAULT, rows.get(DEFAULT));
        return out;
    }
}
