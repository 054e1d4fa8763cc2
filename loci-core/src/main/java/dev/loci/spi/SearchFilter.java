package dev.loci.spi;

import dev.loci.Kind;
import dev.loci.Scope;
import dev.loci.TimeRange;
import java.time.Instant;
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
 * @param visibleAt only memories a recall as of this moment sees ({@link dev.loci.Memory#visibleAt}:
 *                  recorded by then, not yet superseded or replaced, not expired); null for all
 * @param heldAt    only memories that held at this moment of the conversations, whenever they were
 *                  recorded: happened by then ({@code occurredAt}), not closed by then
 *                  ({@code validTo}), not expired by then; null for all. Earlier versions of updated
 *                  memories pass it too (their {@code validTo} is when the update was made): recall
 *                  leaves them out itself
 */
public record SearchFilter(Scope scope, Set<Kind> kinds, TimeRange timeRange, Map<String, String> metadata,
                           Instant visibleAt, Instant heldAt) {
    /** A filter of what a recall as of {@code visibleAt} sees (null: every version). */
    public SearchFilter(Scope scope, Set<Kind> kinds, TimeRange timeRange, Map<String, String> metadata,
                        Instant visibleAt) {
        this(scope, kinds, timeRange, metadata, visibleAt, null);
    }

    /** A filter that sees every version, superseded and expired memories included. */
    public SearchFilter(Scope scope, Set<Kind> kinds, TimeRange timeRange, Map<String, String> metadata) {
        this(scope, kinds, timeRange, metadata, null, null);
    }

    public SearchFilter {
        Objects.requireNonNull(scope, "scope");
        kinds = kinds == null || kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public static SearchFilter of(Scope scope) {
        return new SearchFilter(scope, Set.of(), null, Map.of());
    }

    /** This filter restricted to what a recall as of {@code t} sees. */
    public SearchFilter visibleAt(Instant t) {
        return new SearchFilter(scope, kinds, timeRange, metadata, t, heldAt);
    }

    /** This filter restricted to what held at {@code t} of the conversations (see {@link #heldAt()}). */
    public SearchFilter heldAt(Instant t) {
        return new SearchFilter(scope, kinds, timeRange, metadata, visibleAt, t);
    }

    /** Whether {@code m} passes this filter (for stores that filter in memory, and for tests). */
    public boolean matches(dev.loci.Memory m) {
        return scope.covers(m.scope())
                && (kinds.isEmpty() || kinds.contains(m.kind()))
                && (timeRange == null || timeRange.contains(m.occurredAt()))
                && metadata.entrySet().stream().allMatch(e -> e.getValue().equals(m.metadata().get(e.getKey())))
                && (visibleAt == null || m.visibleAt(visibleAt))
                && (heldAt == null || m.heldAt(heldAt));
    }
}
