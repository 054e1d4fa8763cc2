package dev.loci;

/**
 * All tuning of a {@link Loci} instance. Start from {@link #defaults()} and replace parts, by name:
 * {@code LociConfig.builder().recall(RecallConfig.builder().denseTopN(50).build()).build()}, or
 * with the withers ({@code defaults().withRecall(defaults().recall().withDiversity(0.3))}). Every
 * part is a record validated on construction: a bad value fails with an
 * {@link InvalidInputException} naming it ({@code config.recall.rrfK: must be >= 1, was 0}).
 *
 * @param ingest limits applied to incoming messages
 * @param recall how lexical and dense candidates are gathered and fused
 * @param consolidation episodes, sessions and topics, index keys and facts
 * @param forgetting retention, reinforcement by recall, time to live and capacity
 */
public record LociConfig(IngestConfig ingest, RecallConfig recall, ConsolidationConfig consolidation,
                         ForgettingConfig forgetting) {
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

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(ingest, recall, consolidation, forgetting);
    }

    /** Names each setting of a {@link LociConfig}; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private IngestConfig ingest;
        private RecallConfig recall;
        private ConsolidationConfig consolidation;
        private ForgettingConfig forgetting;

        private Builder(IngestConfig ingest, RecallConfig recall, ConsolidationConfig consolidation, ForgettingConfig forgetting) {
            this.ingest = ingest;
            this.recall = recall;
            this.consolidation = consolidation;
            this.forgetting = forgetting;
        }

        /** Limits applied to incoming messages (default {@link IngestConfig#defaults()}). */
        public Builder ingest(IngestConfig ingest) {
            this.ingest = ingest;
            return this;
        }

        /** Candidate gathering and fusion (default {@link RecallConfig#defaults()}). */
        public Builder recall(RecallConfig recall) {
            this.recall = recall;
            return this;
        }

        /** Episodes, levels, keys and facts (default {@link ConsolidationConfig#defaults()}). */
        public Builder consolidation(ConsolidationConfig consolidation) {
            this.consolidation = consolidation;
            return this;
        }

        /** Retention, expiry and capacity (default {@link ForgettingConfig#defaults()}). */
        public Builder forgetting(ForgettingConfig forgetting) {
            this.forgetting = forgetting;
            return this;
        }

        /** The settings, validated: an {@link InvalidInputException} names the first bad one. */
        public LociConfig build() {
            return new LociConfig(ingest, recall, consolidation, forgetting);
        }
    }

    public LociConfig withIngest(IngestConfig newIngest) {
        return toBuilder().ingest(newIngest).build();
    }

    public LociConfig withRecall(RecallConfig newRecall) {
        return toBuilder().recall(newRecall).build();
    }

    public LociConfig withConsolidation(ConsolidationConfig newConsolidation) {
        return toBuilder().consolidation(newConsolidation).build();
    }

    public LociConfig withForgetting(ForgettingConfig newForgetting) {
        return toBuilder().forgetting(newForgetting).build();
    }
}
