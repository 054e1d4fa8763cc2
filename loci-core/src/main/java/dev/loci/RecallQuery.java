package dev.loci;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What to recall: the query text, how many results, and filters. Build with {@link #of(String)}
 * and the {@code with*} methods.
 *
 * @param text      the query; must not be blank
 * @param k         number of results, 1..{@value #MAX_K}
 * @param kinds     kinds to return; empty means every kind
 * @param timeRange event-time filter, null for none
 * @param metadata  every pair must be present on a result
 * @param at        when the question is asked: relative time expressions in the text ("last
 *                  weekend", "two weeks ago") are resolved against it; null for {@code asOf}, or the
 *                  clock's now
 * @param asOf      record time: answer with what Loci knew at this moment: only what it had recorded
 *                  by then and what had not been replaced or closed by then (earlier versions of
 *                  since-updated memories, statements superseded later); null for the clock's now,
 *                  which sees current versions only. A conversation imported today from last year
 *                  is unknown as of last year: ask {@code heldAt} for what held then
 * @param heldAt    valid time: answer with what held at this moment of the conversations, as Loci
 *                  knows it now: what had been said or had happened by then ({@code occurredAt}),
 *                  without statements a later one had closed by then, each memory in its current
 *                  version (a later correction applies); when it was recorded does not matter, so a
 *                  conversation imported long after it took place answers by its own timestamps.
 *                  {@code at} defaults to it. Null for none; not together with {@code asOf}
 */
public record RecallQuery(String text, int k, Set<Kind> kinds, TimeRange timeRange, Map<String, String> metadata,
                          Instant at, Instant asOf, Instant heldAt) {
    /** Largest k accepted. */
    public static final int MAX_K = 1000;
    /** k used by {@link #of(String)}. */
    public static final int DEFAULT_K = 10;

    /** A query asked now. */
    public RecallQuery(String text, int k, Set<Kind> kinds, TimeRange timeRange, Map<String, String> metadata) {
        this(text, k, kinds, timeRange, metadata, null, null);
    }

    /** A query asked at {@code at}, answered as of {@code asOf} (record time). */
    public RecallQuery(String text, int k, Set<Kind> kinds, TimeRange timeRange, Map<String, String> metadata,
                       Instant at, Instant asOf) {
        this(text, k, kinds, timeRange, metadata, at, asOf, null);
    }

    /** A query asked at {@code at}, answered with what holds now. */
    public RecallQuery(String text, int k, Set<Kind> kinds, TimeRange timeRange, Map<String, String> metadata,
                       Instant at) {
        this(text, k, kinds, timeRange, metadata, at, null, null);
    }

    public RecallQuery {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("query.text", "must not be blank");
        }
        if (k < 1 || k > MAX_K) {
            throw new InvalidInputException("query.k", "must be in 1.." + MAX_K + ", was " + k);
        }
        if (asOf != null && heldAt != null) {
            throw new InvalidInputException("query.heldAt", "give either asOf (what Loci knew at a moment) or heldAt "
                    + "(what held at a moment of the conversation), not both");
        }
        kinds = kinds == null || kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public static RecallQuery of(String text) {
        return new RecallQuery(text, DEFAULT_K, Set.of(), null, Map.of(), null, null, null);
    }

    public RecallQuery withK(int newK) {
        return new RecallQuery(text, newK, kinds, timeRange, metadata, at, asOf, heldAt);
    }

    public RecallQuery withKinds(Set<Kind> newKinds) {
        return new RecallQuery(text, k, newKinds, timeRange, metadata, at, asOf, heldAt);
    }

    public RecallQuery withTimeRange(TimeRange range) {
        return new RecallQuery(text, k, kinds, range, metadata, at, asOf, heldAt);
    }

    public RecallQuery withMetadata(Map<String, String> pairs) {
        return new RecallQuery(text, k, kinds, timeRange, pairs, at, asOf, heldAt);
    }

    /** The same question asked at {@code moment} (relative time expressions resolve against it). */
    public RecallQuery withAt(Instant moment) {
        return new RecallQuery(text, k, kinds, timeRange, metadata, moment, asOf, heldAt);
    }

    /** The same question answered as of {@code moment} (see {@link #asOf()}); null for now. */
    public RecallQuery withAsOf(Instant moment) {
        return new RecallQuery(text, k, kinds, timeRange, metadata, at, moment, heldAt);
    }

    /**
     * The same question answered with what held at {@code moment} of the conversations (valid time,
     * see {@link #heldAt()}); null for none.
     */
    public RecallQuery withHeldAt(Instant moment) {
        return new RecallQuery(text, k, kinds, timeRange, metadata, at, asOf, moment);
    }
}
