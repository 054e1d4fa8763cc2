package dev.loci;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One user of a tenant, as {@link Loci#users} lists them. Immutable.
 *
 * @param userId       the user's id
 * @param byKind       how many memories the user has of each kind, as
 *                     {@code Loci.count(user, MemoryFilter.all().withKinds(Set.of(kind)))} counts them:
 *                     every version and expired memory not yet swept included, so the sum is what purging
 *                     the user would delete. Only kinds with at least one memory appear, in {@link Kind}
 *                     order
 * @param lastActivity when the user's newest memory a read sees happened ({@code occurredAt}, to the
 *                     microsecond); null when none is visible (all expired or superseded)
 */
public record UserSummary(String userId, Map<Kind, Long> byKind, Instant lastActivity) {
    public UserSummary {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(byKind, "byKind");
        var counts = new EnumMap<Kind, Long>(Kind.class);
        byKind.forEach((kind, n) -> {
            Objects.requireNonNull(kind, "byKind key");
            if (n == null || n < 0) {
                throw new IllegalArgumentException("byKind counts must be >= 0, was " + n + " for " + kind);
            }
            if (n > 0) {
                counts.put(kind, n);
            }
        });
        byKind = Collections.unmodifiableMap(counts);
    }

    /** How many memories the user has, every kind: what purging the user would delete. */
    public long memories() {
        return byKind.values().stream().mapToLong(Long::longValue).sum();
    }

    /** How many memories of {@code kind} the user has (0 when none). */
    public long memories(Kind kind) {
        return byKind.getOrDefault(kind, 0L);
    }
}
