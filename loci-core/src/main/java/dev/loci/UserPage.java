package dev.loci;

import java.util.List;

/**
 * One page of a tenant's users ({@link Loci#users}), ascending by user id.
 *
 * @param users      this page; empty when the tenant has no user after the cursor
 * @param nextCursor pass to {@link Loci#users} for the next page; null when this is the last. It is
 *                   the last user id of this page, so users added since never make a page repeat
 *                   or skip one
 */
public record UserPage(List<UserSummary> users, String nextCursor) {
    /** Users per page when none is asked for. */
    public static final int DEFAULT_LIMIT = 50;
    /** Most users one page may hold. */
    public static final int MAX_LIMIT = 1000;

    public UserPage {
        users = List.copyOf(users);
    }

    /** Whether a next page follows. */
    public boolean hasMore() {
        return nextCursor != null;
    }
}
