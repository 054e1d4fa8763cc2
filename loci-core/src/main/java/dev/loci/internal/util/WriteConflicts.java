package dev.loci.internal.util;

import dev.loci.Kind;
import dev.loci.spi.WriteConflictException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Counts, per kind of record, the conditional rewrites another process made fail over a shared
 * store ({@link WriteConflictException}: records refused) and the attempts redone after them
 * (retries), for an operator to see how often servers race on the same users. Exposed as plain
 * figures ({@link #figures}) in the engine's statistics, which a server turns into its metrics.
 * Thread-safe.
 */
public final class WriteConflicts {
    /** The kinds whose rewrites are conditional, each always reported (zero included). */
    public static final Set<Kind> KINDS = Set.copyOf(EnumSet.of(Kind.TURN, Kind.EPISODE, Kind.SESSION, Kind.TOPIC,
            Kind.FACT, Kind.PROFILE));

    private final Map<Kind, AtomicLong> refused = new EnumMap<>(Kind.class);
    private final Map<Kind, AtomicLong> retried = new EnumMap<>(Kind.class);

    public WriteConflicts() {
        for (Kind k : KINDS) {
            refused.put(k, new AtomicLong());
            retried.put(k, new AtomicLong());
        }
    }

    /**
     * Counts the records a conditional write refused, by kind ({@code kindOf} gives the kind of
     * each refused id, null when unknown), and returns the kinds met.
     */
    public Set<Kind> refused(WriteConflictException e, Function<String, Kind> kindOf) {
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        for (String id : e.ids()) {
            Kind k = kindOf.apply(id);
            if (k != null && refused.containsKey(k)) {
                refused.get(k).incrementAndGet();
                kinds.add(k);
            }
        }
        return kinds;
    }

    /** Counts one refused record of this kind. */
    public void refused(Kind kind) {
        refused.get(kind).incrementAndGet();
    }

    /** Counts one attempt redone after a conflict on records of these kinds (once per kind). */
    public void retried(Set<Kind> kinds) {
        kinds.forEach(k -> retried.get(k).incrementAndGet());
    }

    /** Counts one attempt redone after a conflict on a record of this kind. */
    public void retried(Kind kind) {
        retried.get(kind).incrementAndGet();
    }

    /** Records refused of this kind so far. */
    public long refusedCount(Kind kind) {
        return refused.get(kind).get();
    }

    /** Attempts redone after a conflict on this kind so far. */
    public long retriedCount(Kind kind) {
        return retried.get(kind).get();
    }

    /**
     * The counts by name: {@code conflicts.<kind>} (records refused) and {@code retries.<kind>}
     * (attempts redone), kind in lower case.
     */
    public Map<String, Long> figures() {
        Map<String, Long> out = new TreeMap<>();
        for (Kind k : KINDS) {
            String name = k.name().toLowerCase(Locale.ROOT);
            out.put("conflicts." + name, refused.get(k).get());
            out.put("retries." + name, retried.get(k).get());
        }
        return out;
    }
}
