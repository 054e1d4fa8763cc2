package dev.loci;

import java.time.Duration;

/**
 * How remembered turns are organised and keyed.
 *
 * @param episodes        segment each conversation (the turns of one scope, across remember calls)
 *                        into episodes where the topic shifts, and store an EPISODE memory over
 *                        each (default true)
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
 * @param episodeGap      a conversation's open episode tail (the turns remembered since its last
 *                        episode, which the next call may continue) is closed into episodes when the
 *                        next turn was said longer than this after the tail's last one, or when no
 *                        turn has arrived for this long (checked with the expiry sweep), 1 second..7
 *                        days (default 30 minutes)
 */
public record ConsolidationConfig(boolean episodes, double boundaryGamma, int noveltyWindow, int minEpisodeTurns,
                                  int maxEpisodeTurns, boolean contextKeys, int contextChars, boolean levels,
                                  int queueCapacity, double topicThreshold, boolean facts, Duration episodeGap) {
    /** Default {@link #queueCapacity()}. */
    public static final int DEFAULT_QUEUE_CAPACITY = 1_024;
    /** Default {@link #topicThreshold()}. */
    public static final double DEFAULT_TOPIC_THRESHOLD = 0.90;
    /** Default {@link #episodeGap()}. */
    public static final Duration DEFAULT_EPISODE_GAP = Duration.ofMinutes(30);

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
        if (episodeGap == null || episodeGap.compareTo(Duration.ofSeconds(1)) < 0
                || episodeGap.compareTo(Duration.ofDays(7)) > 0) {
            throw new InvalidInputException("config.consolidation.episodeGap",
                    "must be a duration of 1 second..7 days, was " + episodeGap);
        }
        if (contextChars < 0 || contextChars > 10_000) {
            throw new InvalidInputException("config.consolidation.contextChars", "must be in 0..10000, was " + contextChars);
        }
    }

    public static ConsolidationConfig defaults() {
        return new ConsolidationConfig(true, 1.0, 10, 3, 16, true, 300, true, DEFAULT_QUEUE_CAPACITY,
                DEFAULT_TOPIC_THRESHOLD, true, DEFAULT_EPISODE_GAP);
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(episodes, boundaryGamma, noveltyWindow, minEpisodeTurns, maxEpisodeTurns, contextKeys, contextChars, levels, queueCapacity, topicThreshold, facts, episodeGap);
    }

    /** Names each setting of a {@link ConsolidationConfig}; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private boolean episodes;
        private double boundaryGamma;
        private int noveltyWindow;
        private int minEpisodeTurns;
        private int maxEpisodeTurns;
        private boolean contextKeys;
        private int contextChars;
        private boolean levels;
        private int queueCapacity;
        private double topicThreshold;
        private boolean facts;
        private Duration episodeGap;

        private Builder(boolean episodes, double boundaryGamma, int noveltyWindow, int minEpisodeTurns, int maxEpisodeTurns, boolean contextKeys, int contextChars, boolean levels, int queueCapacity, double topicThreshold, boolean facts, Duration episodeGap) {
            this.episodes = episodes;
            this.boundaryGamma = boundaryGamma;
            this.noveltyWindow = noveltyWindow;
            this.minEpisodeTurns = minEpisodeTurns;
            this.maxEpisodeTurns = maxEpisodeTurns;
            this.contextKeys = contextKeys;
            this.contextChars = contextChars;
            this.levels = levels;
            this.queueCapacity = queueCapacity;
            this.topicThreshold = topicThreshold;
            this.facts = facts;
            this.episodeGap = episodeGap;
        }

        /** Segment conversations into EPISODE memories (default true). */
        public Builder episodes(boolean episodes) {
            this.episodes = episodes;
            return this;
        }

        /** Episode boundary threshold in standard deviations of novelty, 0..10 (default 1.0). */
        public Builder boundaryGamma(double boundaryGamma) {
            this.boundaryGamma = boundaryGamma;
            return this;
        }

        /** Recent novelties the boundary threshold is computed over, 2..1,000 (default 10). */
        public Builder noveltyWindow(int noveltyWindow) {
            this.noveltyWindow = noveltyWindow;
            return this;
        }

        /** Fewest turns in an episode, 1..100 (default 3). */
        public Builder minEpisodeTurns(int minEpisodeTurns) {
            this.minEpisodeTurns = minEpisodeTurns;
            return this;
        }

        /** Most turns in an episode, minEpisodeTurns..1,000 (default 16). */
        public Builder maxEpisodeTurns(int maxEpisodeTurns) {
            this.maxEpisodeTurns = maxEpisodeTurns;
            return this;
        }

        /** Index turns with the preceding turn and their dates as BM25 keys (default true). */
        public Builder contextKeys(boolean contextKeys) {
            this.contextKeys = contextKeys;
            return this;
        }

        /** Most characters of the preceding turn in the keys, 0..10,000 (default 300). */
        public Builder contextChars(int contextChars) {
            this.contextChars = contextChars;
            return this;
        }

        /** Build SESSION and TOPIC memories in the background (default true; needs episodes). */
        public Builder levels(boolean levels) {
            this.levels = levels;
            return this;
        }

        /** Remember calls that may wait for the background builder, 1..1,000,000 (default 1,024). */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        /** Cosine an episode needs to join a topic, (0, 1] (default 0.90). */
        public Builder topicThreshold(double topicThreshold) {
            this.topicThreshold = topicThreshold;
            return this;
        }

        /** Read FACT memories and the PROFILE from turns (default true). */
        public Builder facts(boolean facts) {
            this.facts = facts;
            return this;
        }

        /**
         * Silence after which a conversation's open episode tail is closed, 1 second..7 days
         * (default 30 minutes).
         */
        public Builder episodeGap(Duration episodeGap) {
            this.episodeGap = episodeGap;
            return this;
        }

        /** The settings, validated: an {@link InvalidInputException} names the first bad one. */
        public ConsolidationConfig build() {
            return new ConsolidationConfig(episodes, boundaryGamma, noveltyWindow, minEpisodeTurns, maxEpisodeTurns, contextKeys, contextChars, levels, queueCapacity, topicThreshold, facts, episodeGap);
        }
    }


    public ConsolidationConfig withEpisodes(boolean on) {
        return toBuilder().episodes(on).build();
    }

    public ConsolidationConfig withContextKeys(boolean on) {
        return toBuilder().contextKeys(on).build();
    }

    /** The same with the background SESSION and TOPIC levels on or off. */
    public ConsolidationConfig withLevels(boolean on) {
        return toBuilder().levels(on).build();
    }

    /** The same with room for {@code capacity} remember calls waiting for the background builder. */
    public ConsolidationConfig withQueueCapacity(int capacity) {
        return toBuilder().queueCapacity(capacity).build();
    }

    /** The same with another cosine an episode needs to join a topic. */
    public ConsolidationConfig withTopicThreshold(double threshold) {
        return toBuilder().topicThreshold(threshold).build();
    }

    /** The same with FACT and PROFILE memories read from turns, or not. */
    public ConsolidationConfig withFacts(boolean on) {
        return toBuilder().facts(on).build();
    }

    /** Whether SESSION and TOPIC memories are built: {@link #levels()} over {@link #episodes()}. */
    public boolean buildsLevels() {
        return levels && episodes;
    }
}
