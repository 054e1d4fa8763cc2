package dev.loci.spi;

import dev.loci.Kind;
import dev.loci.Scope;
import dev.loci.TimeRange;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Restricts a search. Every search is scoped: the scope's tenant is always applied, and its
 * other non-null parts narrow further.
 *
 * @param scope     required; null parts match anything
 * @param kinds     empty means every kind
 * @param timeRange event-time range ({@code occurredAt}), null for none
 * @param metadata  pairs that must all be present
 */
public record SearchFilter(Scope scope, Set<Kind> kinds, TimeRange timeRange, Map<String, String> metadata) {
    public SearchFilter {
        Objects.requireNonNull(scope, "scope");
        kinds = kinds == null || kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public static SearchFilter of(Scope scope) {
        return new SearchFilter(scope, Set.of(), null, Map.of());
    }

    /** Whether {@code m} passes this filter (for stores that filter in memory, and for tests). */
    public boolean matches(dev.loci.Memory m) {
        return scope.covers(m.scope())
                && (kinds.isEmpty() || kinds.contains(m.kind()))
                && (timeRange == null || timeRange.contains(m.occurredAt()))
                && metadata.entrySet().stream().allMatch(e -> e.getValue().equals(m.metadata().get(e.getKey())));
    }
}
