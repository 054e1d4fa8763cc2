package dev.loci;

import java.time.Duration;
import java.time.Instant;

/**
 * How much of a memory is retained at a moment, after Ebbinghaus's forgetting curve:
 * {@code R(t) = exp(-t / S)}, which is 1 right after the memory was learned or last recalled and
 * falls by half every {@code S ln 2}.
 *
 * <ul>
 *   <li><b>t</b> is the time since the memory was last reinforced: its last recall
 *       ({@link Lifecycle#lastAccessedAt()}) or, if it was never recalled, when Loci recorded it
 *       ({@link Memory#recordedAt()}). Not the event time: conversations are often imported long
 *       after they happened, and a memory learned today from a year-old chat is a fresh memory of
 *       an old event, not an old memory. How old the event is is a question for the temporal
 *       recall steps, not for forgetting. A moment before the reinforcement counts as t = 0.</li>
 *   <li><b>S</b>, the strength, grows with every recall and with importance:
 *       {@code S = S0 x (1 + accessCount) x (0.5 + importance)}, where {@code S0} is the base
 *       strength (a never-recalled memory of importance 0.5 has {@code S = S0}; importance 0 halves
 *       it, importance 1 makes it 1.5 times as strong). A larger S always means slower decay: t is
 *       divided by S, never multiplied (the published MemoryBank code got this precedence wrong,
 *       so its stronger memories faded faster).</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 *
 * @param baseStrength {@code S0}: the strength of a never-recalled memory of importance 0.5; it
 *                     keeps {@code 1/e} (37%) of its retention after this long and half after
 *                     {@code S0 ln 2}
 */
public record Retention(Duration baseStrength) {
    public Retention {
        if (baseStrength == null || baseStrength.isNegative() || baseStrength.isZero()) {
            throw new InvalidInputException("config.forgetting.baseStrength", "must be a positive duration, was "
                    + baseStrength);
        }
    }

    /** The strength S of the memory, in seconds. */
    public double strengthSeconds(Memory m) {
        return strengthSeconds(m.lifecycle().accessCount(), m.importance());
    }

    /** The strength S, in seconds, of a memory recalled {@code accessCount} times with this importance. */
    public double strengthSeconds(int accessCount, double importance) {
        return seconds(baseStrength) * (1.0 + accessCount) * (0.5 + importance);
    }

    /** Retention of the memory at {@code at}, in (0, 1]. */
    public double at(Memory m, Instant at) {
        Instant last = lastReinforced(m);
        double t = at.isAfter(last) ? seconds(Duration.between(last, at)) : 0;
        return retention(t, strengthSeconds(m));
    }

    /** When the memory was last reinforced: its last recall, or when it was recorded. */
    public static Instant lastReinforced(Memory m) {
        Instant accessed = m.lifecycle().lastAccessedAt();
        return accessed != null && accessed.isAfter(m.recordedAt()) ? accessed : m.recordedAt();
    }

    /**
     * {@code exp(-t / S)}: the retention after {@code t} seconds at strength {@code S} seconds.
     *
     * @param tSeconds time since the last reinforcement, >= 0
     * @param sSeconds strength, > 0
     */
    public static double retention(double tSeconds, double sSeconds) {
        if (!(tSeconds >= 0)) {
            throw new IllegalArgumentException("t must be >= 0, was " + tSeconds);
        }
        if (!(sSeconds > 0)) {
            throw new IllegalArgumentException("S must be > 0, was " + sSeconds);
        }
        return Math.exp(-(tSeconds / sSeconds));
    }

    /** The time after which retention is one half: {@code S ln 2}, in seconds. */
    public static double halfLifeSeconds(double sSeconds) {
        return sSeconds * Math.log(2);
    }

    private static double seconds(Duration d) {
        return d.getSeconds() + d.getNano() / 1e9;
    }
}
