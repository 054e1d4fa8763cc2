package dev.loci;

import java.time.Instant;

/**
 * A half-open interval [from, to) of event time. Either end may be null (unbounded).
 */
public record TimeRange(Instant from, Instant to) {
    public TimeRange {
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidInputException("timeRange", "from (" + from + ") must be before to (" + to + ")");
        }
    }

    public boolean contains(Instant t) {
        return (from == null || !t.isBefore(from)) && (to == null || t.isBefore(to));
    }
}
