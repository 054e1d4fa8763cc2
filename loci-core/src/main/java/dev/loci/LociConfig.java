package dev.loci;

import java.time.Duration;

/**
 * All tuning of a {@link Loci} instance. Start from {@link #defaults()} and replace parts.
 *
 * @param ingest limits applied to incoming messages
 * @param recall how lexical and dense candidates are gathered and fused
 * @param forgetting retention, reinforcement by recall, time to live and capacity
 */
public record LociConfig(IngestConfig ingest, RecallConfig recall, ConsolidationConfig consolidation,
                         ForgettingConfig forgetting) {
    /** With default forgetting. */
    public LociConfig(IngestConfig ingest, RecallConfig recall, ConsolidationConfig consolidation) {
        this(ingest, recall, consolidation, ForgettingConfig.defaults());
    }

    /** With default consolidation. */
    public LociConfig(IngestConfig ingest, RecallConfig recall) {
        this(ingest, recall, ConsolidationConfig.defaults());
    }

    public LociConfig {
        if (consolidation == null) {
            throw new InvalidInputException("config.consolidation", "is required");
        }
        if (ingest == null) {
            throw new InvalidInputException("config.ingest", "is required");
        }
        if (recall == null) {
            throw new InvalidInputException("config.recall", "is required");
        }
        if (forgetting == null) {
            throw new InvalidInputException("config.forgetting", "is required");
        }
    }

    public static LociConfig defaults() {
        return new LociConfig(IngestConfig.defaults(), RecallConfig.defaults(), ConsolidationConfig.defaults(),
                ForgettingConfig.defaults());
    }

    public LociConfig withIngest(IngestConfig newIngest) {
        return new LociConfig(newIngest, recall, consolidation, forgetting);
    }

    public LociConfig withRecall(RecallConfig newRecall) {
        return new LociConfig(ingest, newRecall, consolidation, forgetting);
    }

    public LociConfig withConsolidation(ConsolidationConfig newConsolidation) {
        return new LociConfig(ingest, recall, newConsolidation, forgetting);
    }

    public LociConfig withForgetting(ForgettingConfig newForgetting) {
        return new LociConfig(ingest, recall, consolidation, newForgetting);
    }

    /**
     * How memories fade, expire and make room.
     *
     * @param baseStrength       strength {@code S0} of a never-recalled memory of importance 0.5 in
     *                           the retention curve {@code exp(-t/S)} ({@link Retention}; default 30
     *                           days: half of its retention is gone after about 21 days)
     * @param reinforceOnRecall  whether every memory a recall or a context block returns counts as
     *                           recalled (access count + 1, last access = now), which strengthens
     *                           it (default true; recalls as of a past moment never count)
     * @param timeToLive         how long a remembered message stays visible when it names no
     *                           {@link Message#expiresAt()} of its own, counted from when it is
     *                           remembered; null for no expiry (the default)
     * @param maxMemoriesPerUser most level-0 memories (turns, chunks) one user (tenant + user id)
     *                           keeps; a remember that goes past it evicts the user's least retained
     *                           unpinned ones, through forget (0 = unlimited, the default)
     * @param sweepInterval      how often a background thread deletes expired memories; null for
     *                           never (call {@link Loci#evictExpired()} yourself); default 10 minutes
     */
    public record ForgettingConfig(Duration baseStrength, boolean reinforceOnRecall, Duration timeToLive,
                                   int maxMemoriesPerUser, Duration sweepInterval) {
        public ForgettingConfig {
            new Retention(baseStrength); // validates it
            if (timeToLive != null && (timeToLive.isNegative() || timeToLive.isZero())) {
                throw new InvalidInputException("config.forgetting.timeToLive",
                        "must be a positive duration or null (no expiry), was " + timeToLive);
            }
            if (maxMemoriesPerUser < 0) {
                throw new InvalidInputException("config.forgetting.maxMemoriesPerUser",
                        "must be >= 0 (0 = unlimited), was " + maxMemoriesPerUser);
            }
            if (sweepInterval != null && sweepInterval.compareTo(Duration.ofMillis(1)) < 0) {
                throw new InvalidInputException("config.forgetting.sweepInterval",
                        "must be at least 1 ms, or null for no background sweep, was " + sweepInterval);
            }
        }

        public static ForgettingConfig defaults() {
            return new ForgettingConfig(Duration.ofDays(30), true, null, 0, Duration.ofMinutes(10));
        }

        /** The retention curve with this base strength. */
        public Retention retention() {
            return new Retention(baseStrength);
        }

        public ForgettingConfig withBaseStrength(Duration s0) {
            return new ForgettingConfig(s0, reinforceOnRecall, timeToLive, maxMemoriesPerUser, sweepInterval);
        }

        public ForgettingConfig withReinforceOnRecall(boolean on) {
            return new ForgettingConfig(baseStrength, on, timeToLive, maxMemoriesPerUser, sweepInterval);
        }

        public ForgettingConfig withTimeToLive(Duration ttl) {
            return new ForgettingConfig(baseStrength, reinforceOnRecall, ttl, maxMemoriesPerUser, sweepInterval);
        }

        public ForgettingConfig withMaxMemoriesPerUser(int max) {
            return new ForgettingConfig(baseStrength, reinforceOnRecall, timeToLive, max, sweepInterval);
        }

        public ForgettingConfig withSweepInterval(Duration interval) {
            return new ForgettingConfig(baseStrength, reinforceOnRecall, timeToLive, maxMemoriesPerUser, interval);
        }
    }

    /**
     * How remembered turns are organised and keyed.
     *
     * @param episodes        segment each remember call into episodes where the topic shifts, and
     *                        store an EPISODE memory over each (default true)
     * @param boundaryGamma   a turn opens a new episode when its novelty (1 - cosine to the running
     *                        episode centroid) exceeds mean + gamma x std of the recent novelties (default 1.0)
     * @param noveltyWindow   how many recent novelties the threshold is computed over (default 10)
     * @param minEpisodeTurns an episode has at least this many turns, 1..100 (default 3)
     * @param maxEpisodeTurns an episode has at most this many turns (default 16)
     * @param contextKeys     index each turn's BM25 keys with the preceding turn of the same call and
     *                        with its absolute date and resolved relative dates (default true)
     * @param contextChars    most characters of the preceding turn added to the keys (default 300)
     * @param levels          build level 2 in the background: a SESSION memory per session over its
     *                        episodes, and TOPIC memories gathering related episodes across one user's
     *                        sessions (default true; needs {@code episodes})
     * @param queueCapacity   remember calls whose episodes may wait for the background builder,
     *                        1..1,000,000 (default 1,024); when it is full, the calling thread builds
     *                        its own episodes' levels before remember returns (backpressure)
     * @param topicThreshold  an episode joins the most similar topic of its user when the cosine of
     *                        its vector to the topic's mean vector is at least this, else it starts a
     *                        new topic, in (0, 1]. Model-dependent: episode vectors are means of turn
     *                        vectors and crowd together. The default 0.90 was chosen on LoCoMo with
     *                        bge-small (900 episodes, 10 users): from 0.90 up fewer than 5 % of
     *                        episodes share a topic with another user's (clustering all users as one),
     *                        while a user's 90 episodes still fall into about 24 topics, a quarter of
     *                        them spanning sessions; at 0.75 nearly all of a user's episodes form
     *                        one topic
     * @param facts           read the statements turns make (who lives, works, is related to, likes,
     *                        plans what) into FACT memories, in the remember call: a repeated claim
     *                        reinforces its fact instead of being stored twice, a contradicting one
     *                        closes it, and each user's PROFILE is rewritten from their current facts
     *                        (default true)
     */
    public record ConsolidationConfig(boolean episodes, double boundaryGamma, int noveltyWindow, int minEpisodeTurns,
                                      int maxEpisodeTurns, boolean contextKeys, int contextChars, boolean levels,
                                      int queueCapacity, double topicThreshold, boolean facts) {
        /** With the default levels and facts settings (on, queue of 1,024, topic threshold 0.90, facts on). */
        public ConsolidationConfig(boolean episodes, double boundaryGamma, int noveltyWindow, int minEpisodeTurns,
                                   int maxEpisodeTurns, boolean contextKeys, int contextChars) {
            this(episodes, boundaryGamma, noveltyWindow, minEpisodeTurns, maxEpisodeTurns, contextKeys, contextChars,
                    true, DEFAULT_QUEUE_CAPACITY, DEFAULT_TOPIC_THRESHOLD, true);
        }

        /** Default {@link #queueCapacity()}. */
        public static final int DEFAULT_QUEUE_CAPACITY = 1_024;
        /** Default {@link #topicThreshold()}. */
        public static final double DEFAULT_TOPIC_THRESHOLD = 0.90;

        public ConsolidationConfig {
            if (queueCapacity < 1 || queueCapacity > 1_000_000) {
                throw new InvalidInputException("config.consolidation.queueCapacity",
                        "must be in 1..1000000, was " + queueCapacity);
            }
            if (!(topicThreshold > 0 && topicThreshold <= 1)) {
                throw new InvalidInputException("config.consolidation.topicThreshold",
                        "must be in (0, 1] (a cosine similarity), was " + topicThreshold);
            }
            if (!(boundaryGamma >= 0 && boundaryGamma <= 10)) {
                throw new InvalidInputException("config.consolidation.boundaryGamma", "must be in 0..10, was " + boundaryGamma);
            }
            if (noveltyWindow < 2 || noveltyWindow > 1000) {
                throw new InvalidInputException("config.consolidation.noveltyWindow", "must be in 2..1000, was " + noveltyWindow);
            }
            if (minEpisodeTurns < 1 || minEpisodeTurns > 100) {
                throw new InvalidInputException("config.consolidation.minEpisodeTurns", "must be in 1..100, was " + minEpisodeTurns);
            }
            if (maxEpisodeTurns < minEpisodeTurns || maxEpisodeTurns > 1000) {
                throw new InvalidInputException("config.consolidation.maxEpisodeTurns",
                        "must be in minEpisodeTurns.." + 1000 + ", was " + maxEpisodeTurns);
            }
            if (contextChars < 0 || contextChars > 10_000) {
                throw new InvalidInputException("config.consolidation.contextChars", "must be in 0..10000, was " + contextChars);
            }
        }

        public static ConsolidationConfig defaults() {
            return new ConsolidationConfig(true, 1.0, 10, 3, 16, true, 300);
        }

        public ConsolidationConfig withEpisodes(boolean on) {
            return new ConsolidationConfig(on, boundaryGamma, noveltyWindow, minEpisodeTurns, maxEpisodeTurns,
                    contextKeys, contextChars, levels, queueCapacity, topicThreshold, facts);
        }

        public ConsolidationConfig withContextKeys(boolean on) {
            return new ConsolidationConfig(episodes, boundaryGamma, noveltyWindow, minEpisodeTurns, maxEpisodeTurns,
                    on, contextChars, levels, queueCapacity, topicThreshold, facts);
        }

        /** The same with the background SESSION and TOPIC levels on or off. */
        public ConsolidationConfig withLevels(boolean on) {
            return new ConsolidationConfig(episodes, boundaryGamma, noveltyWindow, minEpisodeTurns, maxEpisodeTurns,
                    contextKeys, contextChars, on, queueCapacity, topicThreshold, facts);
        }

        /** The same with room for {@code capacity} remember calls waiting for the background builder. */
        public ConsolidationConfig withQueueCapacity(int capacity) {
            return new ConsolidationConfig(episodes, boundaryGamma, noveltyWindow, minEpisodeTurns, maxEpisodeTurns,
                    contextKeys, contextChars, levels, capacity, topicThreshold, facts);
        }

        /** The same with another cosine an episode needs to join a topic. */
        public ConsolidationConfig withTopicThreshold(double threshold) {
            return new ConsolidationConfig(episodes, boundaryGamma, noveltyWindow, minEpisodeTurns, maxEpisodeTurns,
                    contextKeys, contextChars, levels, queueCapacity, threshold, facts);
        }

        /** The same with FACT and PROFILE memories read from turns, or not. */
        public ConsolidationConfig withFacts(boolean on) {
            return new ConsolidationConfig(episodes, boundaryGamma, noveltyWindow, minEpisodeTurns, maxEpisodeTurns,
                    contextKeys, contextChars, levels, queueCapacity, topicThreshold, on);
        }

        /** Whether SESSION and TOPIC memories are built: {@link #levels()} over {@link #episodes()}. */
        public boolean buildsLevels() {
            return levels && episodes;
        }
    }

    /**
     * @param maxTextChars       longest accepted message text in characters (default 32,000)
     * @param maxMessagesPerCall most messages in one remember call (default 100,000)
     */
    public record IngestConfig(int maxTextChars, int maxMessagesPerCall) {
        public IngestConfig {
            if (maxTextChars < 1) {
                throw new InvalidInputException("config.ingest.maxTextChars", "must be >= 1, was " + maxTextChars);
            }
            if (maxMessagesPerCall < 1) {
                throw new InvalidInputException("config.ingest.maxMessagesPerCall",
                        "must be >= 1, was " + maxMessagesPerCall);
            }
        }

        public static IngestConfig defaults() {
            return new IngestConfig(32_000, 100_000);
        }
    }

    /**
     * @param lexicalTopN  BM25 candidates fetched before fusion (default 100; 0 turns BM25 off)
     * @param denseTopN    kNN candidates fetched before fusion (default 100; 0 turns dense off)
     * @param rrfK         reciprocal rank fusion constant: contribution = weight / (rrfK + rank) (default 60)
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
     * @param temporalWeight for questions asking when something happened, the share by which
     *                      candidates that carry an explicit time expression are raised
     *                      (default 0.2; 0 = off, which also turns off the search within the
     *                      periods a question names)
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
     */
    public record RecallConfig(int lexicalTopN, int denseTopN, int rrfK, double lexicalWeight, double denseWeight,
                               double routingWeight, int episodeTopN, double contiguityWeight, double temporalWeight,
                               double diversity, double retentionWeight, double supersededFactor) {
        /** Default {@link #supersededFactor()}. */
        public static final double DEFAULT_SUPERSEDED_FACTOR = 0.5;

        /** With the default supersession step. */
        public RecallConfig(int lexicalTopN, int denseTopN, int rrfK, double lexicalWeight, double denseWeight,
                            double routingWeight, int episodeTopN, double contiguityWeight, double temporalWeight,
                            double diversity, double retentionWeight) {
            this(lexicalTopN, denseTopN, rrfK, lexicalWeight, denseWeight, routingWeight, episodeTopN,
                    contiguityWeight, temporalWeight, diversity, retentionWeight, DEFAULT_SUPERSEDED_FACTOR);
        }

        /** With the default hierarchy settings: routing and contiguity off, temporal preference on. */
        public RecallConfig(int lexicalTopN, int denseTopN, int rrfK, double lexicalWeight, double denseWeight) {
            this(lexicalTopN, denseTopN, rrfK, lexicalWeight, denseWeight, 0.0, 20, 0.0, 0.2, 0.0);
        }

        /** With retention off. */
        public RecallConfig(int lexicalTopN, int denseTopN, int rrfK, double lexicalWeight, double denseWeight,
                            double routingWeight, int episodeTopN, double contiguityWeight, double temporalWeight,
                            double diversity) {
            this(lexicalTopN, denseTopN, rrfK, lexicalWeight, denseWeight, routingWeight, episodeTopN,
                    contiguityWeight, temporalWeight, diversity, 0.0);
        }

        public RecallConfig {
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
            return new RecallConfig(100, 100, 60, 1.0, 1.0);
        }

        /** The same with hierarchy routing at the given weight (0 = off). */
        public RecallConfig withRouting(double weight) {
            return new RecallConfig(lexicalTopN, denseTopN, rrfK, lexicalWeight, denseWeight, weight, episodeTopN,
                    contiguityWeight, temporalWeight, diversity, retentionWeight, supersededFactor);
        }

        /** The same with temporal contiguity at the given weight (0 = off). */
        public RecallConfig withContiguity(double weight) {
            return new RecallConfig(lexicalTopN, denseTopN, rrfK, lexicalWeight, denseWeight, routingWeight,
                    episodeTopN, weight, temporalWeight, diversity, retentionWeight, supersededFactor);
        }

        /** The same with the temporal preference of "when" questions at the given weight (0 = off). */
        public RecallConfig withTemporal(double weight) {
            return new RecallConfig(lexicalTopN, denseTopN, rrfK, lexicalWeight, denseWeight, routingWeight,
                    episodeTopN, contiguityWeight, weight, diversity, retentionWeight, supersededFactor);
        }

        /** The same with at least {@code n} candidates per signal (signals that are off stay off). */
        public RecallConfig withCandidates(int n) {
            return new RecallConfig(lexicalTopN > 0 ? Math.max(n, lexicalTopN) : 0,
                    denseTopN > 0 ? Math.max(n, denseTopN) : 0, rrfK, lexicalWeight, denseWeight, routingWeight,
                    episodeTopN, contiguityWeight, temporalWeight, diversity, retentionWeight, supersededFactor);
        }

        /** The same with maximal-marginal-relevance diversity at the given strength (0 = off). */
        public RecallConfig withDiversity(double strength) {
            return new RecallConfig(lexicalTopN, denseTopN, rrfK, lexicalWeight, denseWeight, routingWeight,
                    episodeTopN, contiguityWeight, temporalWeight, strength, retentionWeight, supersededFactor);
        }

        /** The same with retention raising better retained memories at the given weight (0 = off). */
        public RecallConfig withRetention(double weight) {
            return new RecallConfig(lexicalTopN, denseTopN, rrfK, lexicalWeight, denseWeight, routingWeight,
                    episodeTopN, contiguityWeight, temporalWeight, diversity, weight, supersededFactor);
        }

        /** The same with contradicted turns keeping this share of their score (1 = step off). */
        public RecallConfig withSupersession(double factor) {
            return new RecallConfig(lexicalTopN, denseTopN, rrfK, lexicalWeight, denseWeight, routingWeight,
                    episodeTopN, contiguityWeight, temporalWeight, diversity, retentionWeight, factor);
        }

        /**
         * Plain fusion: every step after it (routing, contiguity, temporal, diversity, retention,
         * supersession) off.
         */
        public RecallConfig flat() {
            return new RecallConfig(lexicalTopN, denseTopN, rrfK, lexicalWeight, denseWeight, 0, episodeTopN, 0, 0, 0,
                    0.0, 1.0);
        }

        /** BM25 alone: dense off; BM25 keeps its candidate count, or the default 100 if it was off. */
        public RecallConfig lexicalOnly() {
            return new RecallConfig(lexicalTopN > 0 ? lexicalTopN : defaults().lexicalTopN(), 0, rrfK,
                    lexicalWeight, denseWeight, routingWeight, episodeTopN, contiguityWeight, temporalWeight,
                    diversity, retentionWeight, supersededFactor);
        }

        /** Dense alone: BM25 off; dense keeps its candidate count, or the default 100 if it was off. */
        public RecallConfig denseOnly() {
            return new RecallConfig(0, denseTopN > 0 ? denseTopN : defaults().denseTopN(), rrfK,
                    lexicalWeight, denseWeight, routingWeight, episodeTopN, contiguityWeight, temporalWeight,
                    diversity, retentionWeight, supersededFactor);
        }
    }
}
