package dev.loci;

/**
 * All tuning of a {@link Loci} instance. Start from {@link #defaults()} and replace parts.
 *
 * @param ingest limits applied to incoming messages
 * @param recall how lexical and dense candidates are gathered and fused
 */
public record LociConfig(IngestConfig ingest, RecallConfig recall) {
    public LociConfig {
        if (ingest == null) {
            throw new InvalidInputException("config.ingest", "is required");
        }
        if (recall == null) {
            throw new InvalidInputException("config.recall", "is required");
        }
    }

    public static LociConfig defaults() {
        return new LociConfig(IngestConfig.defaults(), RecallConfig.defaults());
    }

    public LociConfig withIngest(IngestConfig newIngest) {
        return new LociConfig(newIngest, recall);
    }

    public LociConfig withRecall(RecallConfig newRecall) {
        return new LociConfig(ingest, newRecall);
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
     */
    public record RecallConfig(int lexicalTopN, int denseTopN, int rrfK, double lexicalWeight, double denseWeight) {
        public RecallConfig {
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

        /** BM25 alone: dense off; BM25 keeps its candidate count, or the default 100 if it was off. */
        public RecallConfig lexicalOnly() {
            return new RecallConfig(lexicalTopN > 0 ? lexicalTopN : defaults().lexicalTopN(), 0, rrfK,
                    lexicalWeight, denseWeight);
        }

        /** Dense alone: BM25 off; dense keeps its candidate count, or the default 100 if it was off. */
        public RecallConfig denseOnly() {
            return new RecallConfig(0, denseTopN > 0 ? denseTopN : defaults().denseTopN(), rrfK,
                    lexicalWeight, denseWeight);
        }
    }
}
