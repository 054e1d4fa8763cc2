package dev.loci;

/**
 * @param lexicalTopN  BM25 candidates fetched before fusion (default 100; 0 turns BM25 off)
 * @param denseTopN    kNN candidates fetched before fusion (default 100; 0 turns dense off)
 * @param rrfK         reciprocal rank fusion constant: contribution = weight / (rrfK + rank) (default 60;
 *                     used only with {@link Fusion#RRF})
 * @param lexicalWeight weight of the BM25 list in fusion (default 1.0)
 * @param denseWeight   weight of the dense list in fusion (default 1.0)
 * @param routingWeight weight of an episode's fused score added to those of its turns that are
 *                      candidates, so turns of a strongly matching episode rise (0 = off, the
 *                      default: on LoCoMo it costs recall, see docs/BENCHMARKS.md; 1.0 is the
 *                      weight measured there)
 * @param episodeTopN   episodes fetched per signal for routing (default 20)
 * @param contiguityWeight share of a strong hit's score its neighbouring turns (the turns
 *                      before and after it in its episode) inherit (0 = off, the default: with
 *                      100 candidates per signal it changed no top-20 on LoCoMo; 0.3 is the
 *                      weight measured there)
 * @param temporalWeight for questions asking when something happened, the share by which the
 *                      strongest candidates that carry an explicit time expression are raised
 *                      (0 = off, the default since 2026-12-05: it favours one way of saying when
 *                      a thing happened, a turn that names its time, over a turn whose own date
 *                      answers; on LoCoMo, whose questions were written from such turns, it moved
 *                      MRR by 0.01 and recall@10 not at all, while on long histories of another
 *                      kind the temporal steps cost recall; 0.2 is the weight measured, see
 *                      docs/BENCHMARKS.md). The period step ({@code periodWeight}) is apart from it
 * @param diversity     maximal marginal relevance: how much a result's similarity to those
 *                      ranked above it (word overlap) counts against it, 0..1 (0 = off, the
 *                      default: it did not raise recall on LoCoMo; 0.3 is the value measured)
 * @param retentionWeight how much retention ({@link Retention}: recent and often recalled
 *                      memories are retained best) raises the strongest candidates: each gains
 *                      {@code retentionWeight x retention x} its score, so among equally
 *                      relevant memories the better retained ones rank first (0..10; 0 = off,
 *                      the default: LoCoMo has no recalls to reinforce, see docs/BENCHMARKS.md)
 * @param supersededFactor share of its score a turn keeps when a later turn contradicts it (a
 *                      fact read from it was closed by one read from the later turn), among
 *                      the k strongest candidates, when that later turn was known as of the
 *                      recall: (0, 1], 1 = off, default 0.5
 * @param fusion        how the BM25 and dense lists are combined: {@link Fusion#SCORES} (normalised
 *                      scores, the default: it gained on both halves of LoCoMo and on the small
 *                      conversations, see docs/BENCHMARKS.md) or {@link Fusion#RRF} (ranks only)
 * @param temporalCandidates how many of the strongest candidates the "when" preference may raise
 *                      (1..1,000, default 10: only near the top, where it breaks near-ties; 50
 *                      raised time-naming distractors from far down in long histories)
 * @param periodWeight  when the question names a time, the share of its own score by which a
 *                      candidate that happened then (within the period, widened by its length, at
 *                      least two days and at most a week, on each side) rises (0..10, default 0.5;
 *                      0 = no period step; it runs whatever {@code temporalWeight} is)
 * @param recencyWeight among the strongest candidates of a scope, how much the later ones are
 *                      raised: a candidate gains {@code recencyWeight x} its score {@code x} its
 *                      place in time among them (0 for the oldest, 1 for the newest), so of two
 *                      equally relevant statements the newer comes first (0..1, default 0 = off)
 * @param speakerWeight when the question names whoever said a candidate ("what did Anna say
 *                      about ..."), the share by which that candidate is raised, among the
 *                      strongest: a name says whose turn it is, not what the turn is about, so
 *                      it raises a relevant turn rather than counting as a matched word of its
 *                      own; a speaker named by person ("my", "you": the user's or the agent's
 *                      turns) is raised by half of it (0..1, default 0.4 since the question's vector
 *                      leaves names out ({@code namelessDense}), which left the speaker step the only
 *                      one to weigh them: 0.2 before; see docs/BENCHMARKS.md, eighth round)
 * @param sessionSpread how much each result already placed from the same session counts against
 *                      the next one from it: among the strongest candidates, places go by
 *                      {@code score x (1 - sessionSpread)^(results placed from its session)}, so an
 *                      answer spread over several sessions is not crowded out by one session's
 *                      many near matches (0..1, default 0 = off: it cost recall on LoCoMo)
 * @param presentWeight the recency preference ({@code recencyWeight}'s step) applied at this weight
 *                      to questions about the present only ("where does she work now", "what is
 *                      my current ..."), whose answer is the latest statement rather than the
 *                      best worded one (0..1, default 0 = off: no evidence either way on LoCoMo; {@code recencyWeight} applies to
 *                      every question, and the larger of the two is used)
 * @param denseSpan     with {@link Fusion#SCORES}, how cosines are brought to 0..1: above 0, a fixed span
 *                      of cosine below the best candidate, {@code max(0, 1 - (best - cosine) / denseSpan)},
 *                      so a candidate 0.05 below the best counts the same whether the store holds fifty
 *                      memories or a million (default 0.2); 0, min-max within the dense candidates, which
 *                      stretches whatever range they span to 0..1, a range that narrows as a history
 *                      grows (the default until 2026-12-05: 0.2 raised MRR and recall@5 on both halves of
 *                      LoCoMo, plain and with a longer history, see docs/BENCHMARKS.md); 0..2
 * @param sameMatterCosine the newer of two statements on the same matter comes first: among the
 *                      strongest candidates, when two turns of the same speaker said on different days
 *                      have vectors at least this close (cosine), the newer one says something changed
 *                      ("moved", "now", "new", "quit", "instead", ...) and the question does not ask about
 *                      the past (no period it names lies before it is asked, no "used to", "before",
 *                      "did", ... and not "when"), the newer rises to just above the older (0 = off, else
 *                      in (0, 1); 0.6 is the value measured: on hand-written pairs of one speaker's
 *                      statements, unrelated ones scored 0.41-0.58 with the default model and an update
 *                      of the same matter 0.60-0.79; see docs/BENCHMARKS.md)
 * @param lexicalFullAt BM25's say on small stores: with fewer memories in reach of the search than this,
 *                      BM25's weight in fusion is scaled by {@code ln(1 + n) / ln(1 + lexicalFullAt)}, n
 *                      being how many there are: document frequencies over a dozen turns are noise, and
 *                      normalised over its best match a BM25 list on a tiny store calls a one-word match
 *                      perfect (0 = off, the full weight at any size; else 2..1,000,000; default 100, the
 *                      default number of dense candidates, so a dense list shorter than that already says how
 *                      many there are and no count is needed: a dozen turns give BM25 0.56 of its weight. It
 *                      gained a case of the small conversations and leaves LoCoMo, whose conversations hold
 *                      369-689 turns, as it was; see docs/BENCHMARKS.md)
 * @param feedbackWeight vector pseudo-relevance feedback: a second kNN search with the question's vector moved
 *                      toward the three strongest first-round candidates ({@code q + 0.5 x} their mean vector,
 *                      normalised), its list fused in as a third list at this share of the dense weight, so
 *                      turns that resemble what the question found, rather than the question's words, come
 *                      into reach (no extra embedding: their vectors are stored; 0..1, default 0 = off, see
 *                      docs/BENCHMARKS.md, seventh round)
 * @param sessionWeight sessions first: among the 50 strongest candidates, each session scores its best candidate's
 *                      score plus half its second best's, and each of them rises by this share of its session's
 *                      score, so two modest turns of a session that answers pass a lone strong turn elsewhere
 *                      while lone turns keep their order (0..1, 0 = off; default 0.5, fixed before any run: it
 *                      gained on both halves of LoCoMo, plain and with a longer history, and lost no case of the
 *                      small conversations, see docs/BENCHMARKS.md, seventh round)
 * @param factWeight    facts as linked keys: the facts read from turns are searched as well (BM25 and kNN, 20
 *                      each), each scored on the turns' scale (its BM25 over the turns' top BM25, its cosine
 *                      normalised as the turns' are), and the turn each was read from scores at least this share
 *                      of that, entering the ranking if it was not a candidate (0..1, default 0 = off, see
 *                      docs/BENCHMARKS.md, seventh round)
 * @param namelessDense the kNN search uses the unit vector halfway between the question as asked and the question
 *                      with the names of the speakers it names put as "they" ("their" for "Anna's"), the speakers
 *                      being those of its strongest BM25 matches: a turn is embedded with its speaker's name
 *                      ("Anna: ..."), so with the name in full a question naming Anna finds any short turn of hers
 *                      about as close as the one that answers, and without it at all another speaker's turn
 *                      repeating the question's words can pass the answer; the speaker step weighs whose turn it
 *                      is. BM25 searches first (its top 20 at least, also when BM25 is otherwise off); a question
 *                      naming no speaker is embedded once, as asked (default true: it gained on both halves of
 *                      LoCoMo, plain and with a longer history, and cost a reworded case of the small
 *                      conversations, see docs/BENCHMARKS.md, eighth round)
 */
public record RecallConfig(int lexicalTopN, int denseTopN, int rrfK, double lexicalWeight, double denseWeight,
                           double routingWeight, int episodeTopN, double contiguityWeight, double temporalWeight,
                           double diversity, double retentionWeight, double supersededFactor, Fusion fusion,
                           int temporalCandidates, double periodWeight, double recencyWeight,
                           double speakerWeight, double sessionSpread, double presentWeight, double denseSpan,
                           double sameMatterCosine, int lexicalFullAt, double feedbackWeight, double sessionWeight,
                           double factWeight, boolean namelessDense) {
    /** Default {@link #supersededFactor()}. */
    public static final double DEFAULT_SUPERSEDED_FACTOR = 0.5;
    /** Default {@link #speakerWeight()}. */
    public static final double DEFAULT_SPEAKER_WEIGHT = 0.4;
    /** Default {@link #sessionSpread()}. */
    public static final double DEFAULT_SESSION_SPREAD = 0.0;
    /** Default {@link #denseSpan()}. */
    public static final double DEFAULT_DENSE_SPAN = 0.2;
    /** Default {@link #presentWeight()}. */
    public static final double DEFAULT_PRESENT_WEIGHT = 0.0;
    /** Default {@link #sameMatterCosine()}. */
    public static final double DEFAULT_SAME_MATTER_COSINE = 0.0;
    /** Default {@link #lexicalFullAt()}. */
    public static final int DEFAULT_LEXICAL_FULL_AT = 100;
    /** Default {@link #feedbackWeight()}. */
    public static final double DEFAULT_FEEDBACK_WEIGHT = 0.0;
    /** Default {@link #sessionWeight()}. */
    public static final double DEFAULT_SESSION_WEIGHT = 0.5;
    /** Default {@link #factWeight()}. */
    public static final double DEFAULT_FACT_WEIGHT = 0.0;

    /** How the BM25 and dense candidate lists are combined. */
    public enum Fusion {
        /**
         * Weighted reciprocal rank fusion: rank r in a list of weight w gains {@code w / (rrfK + r)};
         * score magnitudes are ignored.
         */
        RRF,
        /**
         * A weighted sum of normalised scores: BM25 over its top score (a flat BM25 list, where
         * every candidate matched the same common word, then decides little), cosine min-max
         * within the dense candidates; {@code rrfK} is unused.
         */
        SCORES
    }

    public RecallConfig {
        if (fusion == null) {
            throw new InvalidInputException("config.recall.fusion", "is required (RRF or SCORES)");
        }
        if (temporalCandidates < 1 || temporalCandidates > 1000) {
            throw new InvalidInputException("config.recall.temporalCandidates", "must be in 1..1000, was "
                    + temporalCandidates);
        }
        if (!(periodWeight >= 0 && periodWeight <= 10)) {
            throw new InvalidInputException("config.recall.periodWeight", "must be in 0..10, was " + periodWeight);
        }
        if (!(denseSpan >= 0 && denseSpan <= 2)) {
            throw new InvalidInputException("config.recall.denseSpan", "must be in 0..2 (0 = min-max), was " + denseSpan);
        }
        if (!(sameMatterCosine >= 0 && sameMatterCosine < 1)) {
            throw new InvalidInputException("config.recall.sameMatterCosine", "must be in 0..1 (0 = off, below 1), was "
                    + sameMatterCosine);
        }
        if (lexicalFullAt != 0 && (lexicalFullAt < 2 || lexicalFullAt > 1_000_000)) {
            throw new InvalidInputException("config.recall.lexicalFullAt", "must be 0 (off) or in 2..1000000, was "
                    + lexicalFullAt);
        }
        if (!(feedbackWeight >= 0 && feedbackWeight <= 1)) {
            throw new InvalidInputException("config.recall.feedbackWeight", "must be in 0..1 (0 = off), was "
                    + feedbackWeight);
        }
        if (!(sessionWeight >= 0 && sessionWeight <= 1)) {
            throw new InvalidInputException("config.recall.sessionWeight", "must be in 0..1 (0 = off), was "
                    + sessionWeight);
        }
        if (!(factWeight >= 0 && factWeight <= 1)) {
            throw new InvalidInputException("config.recall.factWeight", "must be in 0..1 (0 = off), was " + factWeight);
        }
        if (!(presentWeight >= 0 && presentWeight <= 1)) {
            throw new InvalidInputException("config.recall.presentWeight", "must be in 0..1, was " + presentWeight);
        }
        if (!(sessionSpread >= 0 && sessionSpread <= 1)) {
            throw new InvalidInputException("config.recall.sessionSpread", "must be in 0..1, was " + sessionSpread);
        }
        if (!(speakerWeight >= 0 && speakerWeight <= 1)) {
            throw new InvalidInputException("config.recall.speakerWeight", "must be in 0..1, was " + speakerWeight);
        }
        if (!(recencyWeight >= 0 && recencyWeight <= 1)) {
            throw new InvalidInputException("config.recall.recencyWeight", "must be in 0..1, was " + recencyWeight);
        }
        if (!(supersededFactor > 0 && supersededFactor <= 1)) {
            throw new InvalidInputException("config.recall.supersededFactor",
                    "must be in (0, 1] (1 = off), was " + supersededFactor);
        }
        if (!(retentionWeight >= 0 && retentionWeight <= 10)) {
            throw new InvalidInputException("config.recall.retentionWeight", "must be in 0..10, was " + retentionWeight);
        }
        if (!(diversity >= 0 && diversity <= 1)) {
            throw new InvalidInputException("config.recall.diversity", "must be in 0..1, was " + diversity);
        }
        if (!(contiguityWeight >= 0 && contiguityWeight <= 1)) {
            throw new InvalidInputException("config.recall.contiguityWeight", "must be in 0..1, was " + contiguityWeight);
        }
        if (!(temporalWeight >= 0 && temporalWeight <= 10)) {
            throw new InvalidInputException("config.recall.temporalWeight", "must be in 0..10, was " + temporalWeight);
        }
        if (!(routingWeight >= 0 && routingWeight <= 100)) {
            throw new InvalidInputException("config.recall.routingWeight", "must be in 0..100, was " + routingWeight);
        }
        if (episodeTopN < 0 || episodeTopN > 1000) {
            throw new InvalidInputException("config.recall.episodeTopN", "must be in 0..1000, was " + episodeTopN);
        }
        if (lexicalTopN < 0 || lexicalTopN > 10_000) {
            throw new InvalidInputException("config.recall.lexicalTopN", "must be in 0..10000, was " + lexicalTopN);
        }
        if (denseTopN < 0 || denseTopN > 10_000) {
            throw new InvalidInputException("config.recall.denseTopN", "must be in 0..10000, was " + denseTopN);
        }
        if (lexicalTopN == 0 && denseTopN == 0) {
            throw new InvalidInputException("config.recall", "lexicalTopN and denseTopN cannot both be 0");
        }
        if (rrfK < 1) {
            throw new InvalidInputException("config.recall.rrfK", "must be >= 1, was " + rrfK);
        }
        if (!(lexicalWeight >= 0)) {
            throw new InvalidInputException("config.recall.lexicalWeight", "must be >= 0, was " + lexicalWeight);
        }
        if (!(denseWeight >= 0)) {
            throw new InvalidInputException("config.recall.denseWeight", "must be >= 0, was " + denseWeight);
        }
    }

    public static RecallConfig defaults() {
        return new RecallConfig(100, 100, 60, 1.0, 1.0, 0.0, 20, 0.0, 0.0, 0.0, 0.0, DEFAULT_SUPERSEDED_FACTOR,
                Fusion.SCORES, 10, 0.5, 0.0, DEFAULT_SPEAKER_WEIGHT, DEFAULT_SESSION_SPREAD,
                DEFAULT_PRESENT_WEIGHT, DEFAULT_DENSE_SPAN, DEFAULT_SAME_MATTER_COSINE, DEFAULT_LEXICAL_FULL_AT,
                DEFAULT_FEEDBACK_WEIGHT, DEFAULT_SESSION_WEIGHT, DEFAULT_FACT_WEIGHT, true);
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(lexicalTopN, denseTopN, rrfK, lexicalWeight, denseWeight, routingWeight, episodeTopN, contiguityWeight, temporalWeight, diversity, retentionWeight, supersededFactor, fusion, temporalCandidates, periodWeight, recencyWeight, speakerWeight, sessionSpread, presentWeight, denseSpan, sameMatterCosine, lexicalFullAt, feedbackWeight, sessionWeight, factWeight, namelessDense);
    }

    /** Names each setting of a {@link RecallConfig}; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private int lexicalTopN;
        private int denseTopN;
        private int rrfK;
        private double lexicalWeight;
        private double denseWeight;
        private double routingWeight;
        private int episodeTopN;
        private double contiguityWeight;
        private double temporalWeight;
        private double diversity;
        private double retentionWeight;
        private double supersededFactor;
        private Fusion fusion;
        private int temporalCandidates;
        private double periodWeight;
        private double recencyWeight;
        private double speakerWeight;
        private double sessionSpread;
        private double presentWeight;
        private double denseSpan;
        private double sameMatterCosine;
        private int lexicalFullAt;
        private double feedbackWeight;
        private double sessionWeight;
        private double factWeight;
        private boolean namelessDense;

        private Builder(int lexicalTopN, int denseTopN, int rrfK, double lexicalWeight, double denseWeight, double routingWeight, int episodeTopN, double contiguityWeight, double temporalWeight, double diversity, double retentionWeight, double supersededFactor, Fusion fusion, int temporalCandidates, double periodWeight, double recencyWeight, double speakerWeight, double sessionSpread, double presentWeight, double denseSpan, double sameMatterCosine, int lexicalFullAt, double feedbackWeight, double sessionWeight, double factWeight, boolean namelessDense) {
            this.feedbackWeight = feedbackWeight;
            this.sessionWeight = sessionWeight;
            this.factWeight = factWeight;
            this.namelessDense = namelessDense;
            this.denseSpan = denseSpan;
            this.sameMatterCosine = sameMatterCosine;
            this.lexicalFullAt = lexicalFullAt;
            this.presentWeight = presentWeight;
            this.speakerWeight = speakerWeight;
            this.sessionSpread = sessionSpread;
            this.fusion = fusion;
            this.temporalCandidates = temporalCandidates;
            this.periodWeight = periodWeight;
            this.recencyWeight = recencyWeight;
            this.lexicalTopN = lexicalTopN;
            this.denseTopN = denseTopN;
            this.rrfK = rrfK;
            this.lexicalWeight = lexicalWeight;
            this.denseWeight = denseWeight;
            this.routingWeight = routingWeight;
            this.episodeTopN = episodeTopN;
            this.contiguityWeight = contiguityWeight;
            this.temporalWeight = temporalWeight;
            this.diversity = diversity;
            this.retentionWeight = retentionWeight;
            this.supersededFactor = supersededFactor;
        }

        /** BM25 candidates fetched before fusion, 0..10,000 (default 100; 0 = BM25 off). */
        public Builder lexicalTopN(int lexicalTopN) {
            this.lexicalTopN = lexicalTopN;
            return this;
        }

        /** kNN candidates fetched before fusion, 0..10,000 (default 100; 0 = dense off). */
        public Builder denseTopN(int denseTopN) {
            this.denseTopN = denseTopN;
            return this;
        }

        /** Reciprocal rank fusion constant, >= 1 (default 60). */
        public Builder rrfK(int rrfK) {
            this.rrfK = rrfK;
            return this;
        }

        /** Weight of the BM25 list in fusion, >= 0 (default 1.0). */
        public Builder lexicalWeight(double lexicalWeight) {
            this.lexicalWeight = lexicalWeight;
            return this;
        }

        /** Weight of the dense list in fusion, >= 0 (default 1.0). */
        public Builder denseWeight(double denseWeight) {
            this.denseWeight = denseWeight;
            return this;
        }

        /** Weight of an episode's score added to its candidate turns, 0..100 (default 0 = off). */
        public Builder routingWeight(double routingWeight) {
            this.routingWeight = routingWeight;
            return this;
        }

        /** Episodes fetched per signal for routing, 0..1,000 (default 20). */
        public Builder episodeTopN(int episodeTopN) {
            this.episodeTopN = episodeTopN;
            return this;
        }

        /** Share of a strong hit's score its neighbouring turns inherit, 0..1 (default 0 = off). */
        public Builder contiguityWeight(double contiguityWeight) {
            this.contiguityWeight = contiguityWeight;
            return this;
        }

        /** Share by which "when" questions raise candidates naming a time, 0..10 (default 0.2; 0 = off). */
        public Builder temporalWeight(double temporalWeight) {
            this.temporalWeight = temporalWeight;
            return this;
        }

        /** Maximal-marginal-relevance strength, 0..1 (default 0 = off). */
        public Builder diversity(double diversity) {
            this.diversity = diversity;
            return this;
        }

        /** How much retention raises the strongest candidates, 0..10 (default 0 = off). */
        public Builder retentionWeight(double retentionWeight) {
            this.retentionWeight = retentionWeight;
            return this;
        }

        /** Share of its score a contradicted turn keeps, (0, 1] (default 0.5; 1 = off). */
        public Builder supersededFactor(double supersededFactor) {
            this.supersededFactor = supersededFactor;
            return this;
        }

        /** How BM25 and dense are combined: SCORES (normalised scores, the default) or RRF (ranks). */
        public Builder fusion(Fusion fusion) {
            this.fusion = fusion;
            return this;
        }

        /** How many of the strongest candidates the "when" preference may raise, 1..1,000 (default 10). */
        public Builder temporalCandidates(int temporalCandidates) {
            this.temporalCandidates = temporalCandidates;
            return this;
        }

        /** Share of its own score a candidate in the period a question names rises by, 0..10 (default 0.5; 0 = off). */
        public Builder periodWeight(double periodWeight) {
            this.periodWeight = periodWeight;
            return this;
        }

        /** How much the newer of the strongest candidates are raised, 0..1 (default 0 = off). */
        public Builder recencyWeight(double recencyWeight) {
            this.recencyWeight = recencyWeight;
            return this;
        }

        /** How much a candidate is raised when the question names its speaker, 0..1. */
        public Builder speakerWeight(double speakerWeight) {
            this.speakerWeight = speakerWeight;
            return this;
        }

        /** How much results already placed from a session count against the next from it, 0..1. */
        public Builder sessionSpread(double sessionSpread) {
            this.sessionSpread = sessionSpread;
            return this;
        }

        /** The recency preference for questions about the present only, 0..1. */
        public Builder presentWeight(double presentWeight) {
            this.presentWeight = presentWeight;
            return this;
        }

        /** How cosines are normalised in score fusion: 0 min-max, above 0 a fixed span below the best, 0..2. */
        public Builder denseSpan(double denseSpan) {
            this.denseSpan = denseSpan;
            return this;
        }

        /** The newer of two same-speaker turns this close (cosine) rises above the older, 0..1 (0 = off). */
        public Builder sameMatterCosine(double sameMatterCosine) {
            this.sameMatterCosine = sameMatterCosine;
            return this;
        }

        /** Memories in reach from which BM25 has its full weight; fewer scale it down (0 = off). */
        public Builder lexicalFullAt(int lexicalFullAt) {
            this.lexicalFullAt = lexicalFullAt;
            return this;
        }

        /** Share of the dense weight the pseudo-relevance feedback search is fused at, 0..1 (0 = off). */
        public Builder feedbackWeight(double feedbackWeight) {
            this.feedbackWeight = feedbackWeight;
            return this;
        }

        /** Share of its session's score each strong candidate rises by, 0..1 (0 = off). */
        public Builder sessionWeight(double sessionWeight) {
            this.sessionWeight = sessionWeight;
            return this;
        }

        /** Share of a found fact's score (on the turns' scale) the turn it was read from scores at least, 0..1 (0 = off). */
        public Builder factWeight(double factWeight) {
            this.factWeight = factWeight;
            return this;
        }

        /** Whether the question's vector leaves out the names of the speakers it names (see {@link #namelessDense()}). */
        public Builder namelessDense(boolean namelessDense) {
            this.namelessDense = namelessDense;
            return this;
        }

        /** The settings, validated: an {@link InvalidInputException} names the first bad one. */
        public RecallConfig build() {
            return new RecallConfig(lexicalTopN, denseTopN, rrfK, lexicalWeight, denseWeight, routingWeight, episodeTopN, contiguityWeight, temporalWeight, diversity, retentionWeight, supersededFactor, fusion, temporalCandidates, periodWeight, recencyWeight, speakerWeight, sessionSpread, presentWeight, denseSpan, sameMatterCosine, lexicalFullAt, feedbackWeight, sessionWeight, factWeight, namelessDense);
        }
    }


    /** The same with hierarchy routing at the given weight (0 = off). */
    public RecallConfig withRouting(double weight) {
        return toBuilder().routingWeight(weight).build();
    }

    /** The same with temporal contiguity at the given weight (0 = off). */
    public RecallConfig withContiguity(double weight) {
        return toBuilder().contiguityWeight(weight).build();
    }

    /**
     * The same with both temporal steps: the preference of "when" questions at the given weight, and
     * the period step at its weight here, or at its default if it was off; 0 turns both off.
     */
    public RecallConfig withTemporal(double weight) {
        double period = weight == 0 ? 0 : periodWeight > 0 ? periodWeight : defaults().periodWeight();
        return toBuilder().temporalWeight(weight).periodWeight(period).build();
    }

    /** The same with at least {@code n} candidates per signal (signals that are off stay off). */
    public RecallConfig withCandidates(int n) {
        return toBuilder().lexicalTopN(lexicalTopN > 0 ? Math.max(n, lexicalTopN) : 0)
                .denseTopN(denseTopN > 0 ? Math.max(n, denseTopN) : 0).build();
    }

    /** The same with maximal-marginal-relevance diversity at the given strength (0 = off). */
    public RecallConfig withDiversity(double strength) {
        return toBuilder().diversity(strength).build();
    }

    /** The same with retention raising better retained memories at the given weight (0 = off). */
    public RecallConfig withRetention(double weight) {
        return toBuilder().retentionWeight(weight).build();
    }

    /** The same with contradicted turns keeping this share of their score (1 = step off). */
    public RecallConfig withSupersession(double factor) {
        return toBuilder().supersededFactor(factor).build();
    }

    /**
     * Plain fusion: every step after it (routing, contiguity, temporal, diversity, retention,
     * supersession, recency, speaker, session spread, newer first, feedback, sessions first, facts as keys, the
     * nameless question vector) off, and each list at its configured
     * weight whatever the store's size ({@code lexicalFullAt} 0).
     */
    public RecallConfig flat() {
        return toBuilder().routingWeight(0).contiguityWeight(0).temporalWeight(0).periodWeight(0).diversity(0).retentionWeight(0)
                .supersededFactor(1.0).recencyWeight(0).speakerWeight(0).sessionSpread(0).presentWeight(0).sameMatterCosine(0)
                .lexicalFullAt(0).feedbackWeight(0).sessionWeight(0).factWeight(0).namelessDense(false)
                .build();
    }

    /** BM25 alone: dense off; BM25 keeps its candidate count, or the default 100 if it was off. */
    public RecallConfig lexicalOnly() {
        return toBuilder().lexicalTopN(lexicalTopN > 0 ? lexicalTopN : defaults().lexicalTopN()).denseTopN(0).build();
    }

    /** Dense alone: BM25 off; dense keeps its candidate count, or the default 100 if it was off. */
    public RecallConfig denseOnly() {
        return toBuilder().lexicalTopN(0).denseTopN(denseTopN > 0 ? denseTopN : defaults().denseTopN()).build();
    }
}
