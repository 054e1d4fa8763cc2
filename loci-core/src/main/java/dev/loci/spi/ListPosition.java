package dev.loci.spi;

import dev.loci.Memory;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * A place in the newest-first order of a listing ({@link NewestFirstListing}): the memory that
 * happened at {@code occurredAt} with this id. Later in the order means older, and among memories
 * that happened at the same moment, a smaller id.
 *
 * @param occurredAt when the memory happened
 * @param id         its id
 */
public record ListPosition(Instant occurredAt, String id) {
    /** Newest first: event time descending, then id descending. */
    public static final Comparator<Memory> NEWEST_FIRST = Comparator.comparing(Memory::occurredAt)
            .thenComparing(Memory::id).reversed();

    public ListPosition {
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(id, "id");
    }

    /** Where {@code m} stands. */
    public static ListPosition of(Memory m) {
        return new ListPosition(m.occurredAt(), m.id());
    }

    /** Whether {@code m} comes after this position in newest-first order (is older, or as old with a smaller id). */
    public boolean isBefore(Memory m) {
        int c = m.occurredAt().compareTo(occurredAt);
        return c < 0 || c == 0 && m.id().compareTo(id) < 0;
    }
}
