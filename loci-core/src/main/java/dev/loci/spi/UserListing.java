package dev.loci.spi;

import java.util.List;

/**
 * Optional store capability: the users of a tenant, a page at a time, so an operator can see whose
 * memories a tenant holds ({@code Loci.users}) without reading them. A store without it cannot
 * list users.
 *
 * <p>Contract, checked by the testkit's {@code MemoryStoreContract}: the distinct user ids of the
 * tenant's stored memories (every memory stored counts, whatever its kind, version or expiry),
 * ascending by Unicode code point (the byte order of their UTF-8), only those after {@code after} when it is not null,
 * at most {@code limit} (at least 1), as of every write and delete that has returned. Scoped like
 * every read: a user of another tenant is never returned.
 *
 * <p>Implementations are thread-safe.
 */
public interface UserListing {
    /** Up to {@code limit} user ids of the tenant that sort after {@code after} (null: from the first). */
    List<String> userIds(String tenant, String after, int limit);
}
