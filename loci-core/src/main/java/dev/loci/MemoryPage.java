package dev.loci;

import java.util.List;

/**
 * One page of a listing ({@link Loci#list}): memories newest first by when they happened
 * ({@code occurredAt}; memories that happened at the same moment in a fixed order of their ids).
 *
 * @param memories   this page, newest first; empty when the scope holds nothing the query matches
 * @param nextCursor pass to {@link ListQuery#withCursor} for the next, older page; null when this is
 *                   the last. Opaque: it names the last memory of this page, so memories stored
 *                   after it was made never make the next page repeat or skip one
 */
public record MemoryPage(List<Memory> memories, String nextCursor) {
    public MemoryPage {
        memories = List.copyOf(memories);
    }

    /** Whether an older page follows. */
    public boolean hasMore() {
        return nextCursor != null;
    }
}
