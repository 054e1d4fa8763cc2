package dev.loci;

import java.time.Duration;

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

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(baseStrength, reinforceOnRecall, timeToLive, maxMemoriesPerUser, sweepInterval);
    }

    /** Names each setting of a {@link ForgettingConfig}; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private Duration baseStrength;
        private boolean reinforceOnRecall;
        private Duration timeToLive;
        private int maxMemoriesPerUser;
        private Duration sweepInterval;

        private Builder(Duration baseStrength, boolean reinforceOnRecall, Duration timeToLive, int maxMemoriesPerUser, Duration sweepInterval) {
            this.baseStrength = baseStrength;
            this.reinforceOnRecall = reinforceOnRecall;
            this.timeToLive = timeToLive;
            this.maxMemoriesPerUser = maxMemoriesPerUser;
            this.sweepInterval = sweepInterval;
        }

        /** Retention strength of a never-recalled memory of importance 0.5 (default 30 days). */
        public Builder baseStrength(Duration baseStrength) {
            this.baseStrength = baseStrength;
            return this;
        }

        /** Count each recalled memory as recalled, strengthening it (default true). */
        public Builder reinforceOnRecall(boolean reinforceOnRecall) {
            this.reinforceOnRecall = reinforceOnRecall;
            return this;
        }

        /** How long a message without its own expiry stays visible; null = never expires (the default). */
        public Builder timeToLive(Duration timeToLive) {
            this.timeToLive = timeToLive;
            return this;
        }

        /** Most level-0 memories one user keeps, >= 0 (default 0 = unlimited). */
        public Builder maxMemoriesPerUser(int maxMemoriesPerUser) {
            this.maxMemoriesPerUser = maxMemoriesPerUser;
            return this;
        }

        /** How often expired memories are deleted in the background; null = never (default 10 minutes). */
        public Builder sweepInterval(Duration sweepInterval) {
            this.sweepInterval = sweepInterval;
            return this;
        }

        /** The settings, validated: an {@link InvalidInputException} names the first bad one. */
        public ForgettingConfig build() {
            return new ForgettingConfig(baseStrength, reinforceOnRecall, timeToLive, maxMemoriesPerUser, sweepInterval);
        }
    }


    /** The retention curve with this base strength. */
    public Retention retention() {
        return new Retention(baseStrength);
    }

    public ForgettingConfig withBaseStrength(Duration s0) {
        return toBuilder().baseStrength(s0).build();
    }

    public ForgettingConfig withReinforceOnRecall(boolean on) {
        return toBuilder().reinforceOnRecall(on).build();
    }

    public ForgettingConfig withTimeToLive(Duration ttl) {
        return toBuilder().timeToLive(ttl).build();
    }

    public ForgettingConfig withMaxMemoriesPerUser(int max) {
        return toBuilder().maxMemoriesPerUser(max).build();
    }

    public ForgettingConfig withSweepInterval(Duration interval) {
        return toBuilder().sweepInterval(interval).build();
    }
}
