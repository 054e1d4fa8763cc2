package dev.loci;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Which memories of a scope an operation applies to: {@link Loci#forget(Scope, MemoryFilter)} and
 * {@link Loci#count(Scope, MemoryFilter)}. The scope itself is always given separately; this only
 * narrows it. Build with {@link #all()} and the {@code with*} methods. Immutable.
 *
 * @param kinds     kinds to include; empty means every kind
 * @param timeRange event-time range ({@code occurredAt}), null for any time
 * @param metadata  pairs that must all be present on a memory
 */
public record MemoryFilter(Set<Kind> kinds, TimeRange timeRange, Map<String, String> metadata) {
    private static final MemoryFilter ALL = new MemoryFilter(Set.of(), null, Map.of());

    public MemoryFilter {
        kinds = kinds == null || kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
        if (metadata == null) {
            metadata = Map.of();
        } else {
            for (var e : metadata.entrySet()) {
                if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
                    throw new InvalidInputException("filter.metadata", "keys must be non-blank and values non-null");
                }
            }
            metadata = Map.copyOf(metadata);
        }
    }

    /** Every memory of the scope. */
    public static MemoryFilter all() {
        return ALL;
    }

    public MemoryFilter withKinds(Set<Kind> newKinds) {
        return new MemoryFilter(newKinds, timeRange, metadata);
    }

    public MemoryFilter withTimeRange(TimeRange range) {
        return new MemoryFilter(kinds, range, metadata);
    }

    public MemoryFilter withMetadata(Map<String, String> pairs) {
        return new MemoryFilter(kinds, timeRange, pairs);
    }

    /** Whether this filter narrows nothing: every memory of the scope passes. */
    public boolean isAll() {
        return kinds.isEmpty() && timeRange == null && metadata.isEmpty();
    }
}
