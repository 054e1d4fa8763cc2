package dev.loci.spi;

import dev.loci.UserSummary;
import java.time.Instant;
import java.util.List;

/**
 * Optional store capability: the users of a tenant, a page at a time, each with its memories
 * counted by kind and its latest activity, so an operator can see whose memories a tenant holds
 * ({@code Loci.users}) without reading them. A store without it cannot list users.
 *
 * <p>Contract, checked by the testkit's {@code MemoryStoreContract}: the distinct user ids of the
 * tenant's stored memories (every memory stored counts, whatever its kind, version or expiry),
 * ascending by Unicode code point (the byte order of their UTF-8), only those after {@code after} when it is not null,
 * at most {@code limit} (at least 1), as of every write and delete that has returned. Scoped like
 * every read: a user of another tenant is never returned. Each user's
 * {@link UserSummary#byKind() counts} are what {@link MemoryStore#count} gives for that user and
 * kind with no visibility filter; its {@link UserSummary#lastActivity() last activity} is the
 * greatest {@code occurredAt} of its memories visible at {@code visibleAt}
 * ({@link dev.loci.Memory#visibleAt}; null: of all its memories), to the microsecond (the
 * resolution of stores' time fields), null when none is visible. Stores compute both without loading
 * the memories (term counts, aggregations).
 *
 * <p>Implementations are thread-safe.
 */
public interface UserListing {
    /**
     * Up to {@code limit} users of the tenant whose ids sort after {@code after} (null: from the
     * first), with their counts by kind and their newest memory visible at {@code visibleAt}.
     */
    List<UserSummary> users(String tenant, String after, int limit, Instant visibleAt);
}
