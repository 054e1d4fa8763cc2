package dev.loci;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What to list of a scope ({@link Loci#list}): which memories, how many per page, and where the
 * previous page stopped. Build with {@link #of()} and the {@code with*} methods; continue with
 * {@link #after(MemoryPage)}. Immutable.
 *
 * @param kinds     kinds to list; empty means {@link #DEFAULT_KINDS}, what a recall returns when it
 *                  names none (turns, chunks, procedures: not the levels Loci builds over them)
 * @param timeRange event-time range ({@code occurredAt}), null for any time
 * @param metadata  pairs that must all be present on a memory
 * @param limit     memories per page, 1..{@value #MAX_LIMIT}
 * @param cursor    {@link MemoryPage#nextCursor()} of the previous page, null for the first page
 * @param asOf      list what held at this moment (earlier versions of since-updated memories,
 *                  statements superseded later); null for now, which lists current versions only
 */
public record ListQuery(Set<Kind> kinds, TimeRange timeRange, Map<String, String> metadata, int limit,
                        String cursor, Instant asOf) {
    /** Largest page. */
    public static final int MAX_LIMIT = 1000;
    /** Page size of {@link #of()}. */
    public static final int DEFAULT_LIMIT = 50;
    /** Longest cursor accepted (the ones Loci makes are far shorter). */
    public static final int MAX_CURSOR_LENGTH = 1024;
    /** Kinds listed when a query names none: what a recall returns by default. */
    public static final Set<Kind> DEFAULT_KINDS = Set.copyOf(EnumSet.complementOf(EnumSet.of(Kind.EPISODE,
            Kind.SESSION, Kind.TOPIC, Kind.FACT, Kind.PROFILE)));

    public ListQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidInputException("limit", "must be in 1.." + MAX_LIMIT + ", was " + limit);
        }
        if (cursor != null && (cursor.isBlank() || cursor.length() > MAX_CURSOR_LENGTH)) {
            throw new InvalidInputException("cursor", "is not a cursor a listing returned");
        }
        kinds = kinds == null || kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
        metadata = new MemoryFilter(Set.of(), null, metadata).metadata();
    }

    /** The first page of the newest {@value #DEFAULT_LIMIT} memories of the default kinds. */
    public static ListQuery of() {
        return new ListQuery(Set.of(), null, Map.of(), DEFAULT_LIMIT, null, null);
    }

    public ListQuery withKinds(Set<Kind> newKinds) {
        return new ListQuery(newKinds, timeRange, metadata, limit, cursor, asOf);
    }

    public ListQuery withTimeRange(TimeRange range) {
        return new ListQuery(kinds, range, metadata, limit, cursor, asOf);
    }

    public ListQuery withMetadata(Map<String, String> pairs) {
        return new ListQuery(kinds, timeRange, pairs, limit, cursor, asOf);
    }

    public ListQuery withLimit(int newLimit) {
        return new ListQuery(kinds, timeRange, metadata, newLimit, cursor, asOf);
    }

    /** The page after the one this cursor ended; null for the first page. */
    public ListQuery withCursor(String newCursor) {
        return new ListQuery(kinds, timeRange, metadata, limit, newCursor, asOf);
    }

    /** The same listing as of {@code moment} (see {@link #asOf()}); null for now. */
    public ListQuery withAsOf(Instant moment) {
        return new ListQuery(kinds, timeRange, metadata, limit, cursor, moment);
    }

    /**
     * The page after {@code page}, which this query (with its previous cursor) returned.
     *
     * @throws InvalidInputException when {@code page} was the last one
     */
    public ListQuery after(MemoryPage page) {
        if (page.nextCursor() == null) {
            throw new InvalidInputException("page", "was the last page: it has no next cursor");
        }
        return withCursor(page.nextCursor());
    }

    /** The kinds this query lists: its own, or {@link #DEFAULT_KINDS} when it names none. */
    public Set<Kind> effectiveKinds() {
        return kinds.isEmpty() ? DEFAULT_KINDS : kinds;
    }
}
