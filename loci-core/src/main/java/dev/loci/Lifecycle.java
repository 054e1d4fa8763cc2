package dev.loci;

import java.time.Instant;

/**
 * What decides how long a memory lives and how it ranks over time: its use, its expiry, whether it
 * is pinned, and its supersession links. Immutable.
 *
 * @param accessCount    how many times a recall returned it; strengthens its retention
 * @param lastAccessedAt when a recall last returned it, null if never
 * @param expiresAt      when it stops being visible (TTL), null for never
 * @param pinned         never evicted for capacity (still deletable by forget and purge)
 * @param supersedes     id of the memory this one replaced by contradicting it, null if none
 * @param supersededBy   id of the memory that replaced this one, null while it is current
 */
public record Lifecycle(int accessCount, Instant lastAccessedAt, Instant expiresAt, boolean pinned,
                        String supersedes, String supersededBy) {
    /** A memory never recalled, never expiring, not pinned, not linked. */
    public static final Lifecycle NONE = new Lifecycle(0, null, null, false, null, null);

    public Lifecycle {
        if (accessCount < 0) {
            throw new InvalidInputException("lifecycle.accessCount", "must be >= 0, was " + accessCount);
        }
    }

    /** Whether it is hidden at {@code t} because its time to live ran out. */
    public boolean expiredAt(Instant t) {
        return expiresAt != null && !t.isBefore(expiresAt);
    }

    public Lifecycle withExpiresAt(Instant at) {
        return new Lifecycle(accessCount, lastAccessedAt, at, pinned, supersedes, supersededBy);
    }

    public Lifecycle withPinned(boolean on) {
        return new Lifecycle(accessCount, lastAccessedAt, expiresAt, on, supersedes, supersededBy);
    }

    /** One more recall at {@code at}. */
    public Lifecycle accessed(Instant at) {
        return new Lifecycle(accessCount + 1, at, expiresAt, pinned, supersedes, supersededBy);
    }

    public Lifecycle withSupersedes(String id) {
        return new Lifecycle(accessCount, lastAccessedAt, expiresAt, pinned, id, supersededBy);
    }

    public Lifecycle withSupersededBy(String id) {
        return new Lifecycle(accessCount, lastAccessedAt, expiresAt, pinned, supersedes, id);
    }
}
