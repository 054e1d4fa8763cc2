package dev.loci.eval;

import dev.loci.engine.LociEngine;
import dev.loci.Loci;
import dev.loci.Memory;
import dev.loci.Recalled;
import dev.loci.Scope;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns recall results into the ranked list of raw turns the metrics score.
 *
 * <p>The rule: results are taken in rank order; a turn contributes itself; a larger unit
 * (an episode, session, fact: any memory above level 0) contributes every turn it covers,
 * found by following its {@code childIds} down to level 0, in the order stored. Turns already
 * listed are not repeated, and the list is cut at {@code limit} turns. So an episode of eight
 * turns at rank 1 fills eight of the top ten places: a bigger unit never buys recall for free.
 * A turn is identified by the client id it was ingested with (the benchmark's own turn id).
 */
public final class TurnExpansion {
    private TurnExpansion() {
    }

    public static List<String> turns(LociEngine loci, Scope scope, List<Recalled> results, int limit) {
        return turns(results.stream().map(Recalled::memory).toList(),
                id -> loci.get(scope, id).orElse(null), limit);
    }

    /** The rule itself, over any way of looking memories up by id. */
    public static List<String> turns(List<Memory> ranked, Function<String, Memory> lookup, int limit) {
        Set<String> out = new LinkedHashSet<>();
        for (Memory m : ranked) {
            if (out.size() >= limit) {
                break;
            }
            expand(m, lookup, out, limit, 0);
        }
        return new ArrayList<>(out);
    }

    private static void expand(Memory m, Function<String, Memory> lookup, Set<String> out, int limit, int depth) {
        if (out.size() >= limit || depth > 8) {
            return;
        }
        if (m.level() == 0 || m.childIds().isEmpty()) {
            if (m.level() == 0) {
                out.add(m.clientId() != null ? m.clientId() : m.id());
            }
            return;
        }
        for (String child : m.childIds()) {
            Memory c = lookup.apply(child);
            if (c != null) {
                expand(c, lookup, out, limit, depth + 1);
            }
        }
    }
}
