package dev.loci.spi;

import dev.loci.Memory;
import java.util.List;

/**
 * Optional store capability: listing newest first from a position, so a scope can be read a page
 * at a time without loading all of it ({@code Loci.list}). A store without it is listed through
 * {@link MemoryStore#list}, which reads every memory the filter matches for each page.
 *
 * <p>Contract, checked by the testkit's {@code MemoryStoreContract}: the memories the filter
 * matches, in {@link ListPosition#NEWEST_FIRST} order (event time descending, then id descending;
 * a store may compare event times at its own resolution, no coarser than a microsecond), only those
 * after {@code after} in that order when it is not null, at most {@code limit} (at least 1), as of
 * every write and delete that has returned. Scoped like every read.
 *
 * <p>Implementations are thread-safe.
 */
public interface NewestFirstListing {
    /** Up to {@code limit} memories the filter matches that come after {@code after} (null: from the newest). */
    List<Memory> listNewestFirst(SearchFilter filter, ListPosition after, int limit);
}
