package dev.loci;

import java.time.Instant;
import java.util.Objects;

/**
 * One user of a tenant, as {@link Loci#users} lists them.
 *
 * @param userId       the user's id
 * @param memories     how many memories the user has, as {@code Loci.count(user, MemoryFilter.all())}
 *                     counts them: what purging the user would delete (every kind, derived ones included)
 * @param lastActivity when the user's newest memory a read sees happened ({@code occurredAt}); null
 *                     when none is visible (all expired or superseded)
 */
public record UserSummary(String userId, long memories, Instant lastActivity) {
    public UserSummary {
        Objects.requireNonNull(userId, "userId");
        if (memories < 0) {
            throw new IllegalArgumentException("memories must be >= 0, was " + memories);
        }
    }
}
