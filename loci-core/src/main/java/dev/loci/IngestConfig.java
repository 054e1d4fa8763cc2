package dev.loci;

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

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(maxTextChars, maxMessagesPerCall);
    }

    /** Names each setting of a {@link IngestConfig}; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private int maxTextChars;
        private int maxMessagesPerCall;

        private Builder(int maxTextChars, int maxMessagesPerCall) {
            this.maxTextChars = maxTextChars;
            this.maxMessagesPerCall = maxMessagesPerCall;
        }

        /** Longest accepted message text in characters, >= 1 (default 32,000). */
        public Builder maxTextChars(int maxTextChars) {
            this.maxTextChars = maxTextChars;
            return this;
        }

        /** Most messages in one remember call, >= 1 (default 100,000). */
        public Builder maxMessagesPerCall(int maxMessagesPerCall) {
            this.maxMessagesPerCall = maxMessagesPerCall;
            return this;
        }

        /** The settings, validated: an {@link InvalidInputException} names the first bad one. */
        public IngestConfig build() {
            return new IngestConfig(maxTextChars, maxMessagesPerCall);
        }
    }

}
