package dev.loci.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loci.Memory;
import dev.loci.Recalled;
import dev.loci.Signal;
import dev.loci.json.LociJson;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Renders recall results as a table, or as JSON in the one form {@link LociJson} gives them. */
final class Output {
    private Output() {
    }

    /** A table without ids (the demo, whose data directory is gone when it ends). */
    static void table(PrintStream out, List<Recalled> results, int textWidth) {
        table(out, results, textWidth, false);
    }

    /**
     * A table of results; with {@code ids}, each row starts with the memory's full id, which
     * {@code get}, {@code update}, {@code history} and {@code forget} take.
     */
    static void table(PrintStream out, List<Recalled> results, int textWidth, boolean ids) {
        if (results.isEmpty()) {
            out.println("(no memories found)");
            return;
        }
        int idWidth = ids ? results.stream().mapToInt(r -> r.memory().id().length()).max().orElse(2) : 0;
        String idColumn = ids ? "%-" + idWidth + "s " : "%s";
        out.printf(Locale.ROOT, "%-4s " + idColumn + "%-8s %-13s %-13s %-10s %-12s %s%n",
                "#", ids ? "id" : "", "fused", "bm25 rank/sc", "dense rank/sc", "date", "speaker", "text");
        int rank = 0;
        for (Recalled r : results) {
            rank++;
            Memory m = r.memory();
            out.printf(Locale.ROOT, "%-4d " + idColumn + "%-8.5f %-13s %-13s %-10s %-12s %s%n", rank,
                    ids ? m.id() : "", r.score(), signal(r, Signal.BM25), signal(r, Signal.DENSE),
                    m.occurredAt().toString().substring(0, 10), clip(m.speaker() == null ? "-" : m.speaker(), 12),
                    clip(m.text(), textWidth));
        }
    }

    private static String signal(Recalled r, String name) {
        return r.signal(name).map(s -> String.format(Locale.ROOT, "%d/%.3f", s.rank(), s.score())).orElse("-");
    }

    static String clip(String s, int width) {
        String flat = s.replace('\n', ' ');
        if (flat.length() <= width) {
            return flat;
        }
        int cut = width - 1;
        if (cut > 0 && Character.isHighSurrogate(flat.charAt(cut - 1))) {
            cut--; // never keep half of a surrogate pair (an emoji, say)
        }
        return flat.substring(0, cut) + "…";
    }

    /** Recall results as JSON: each memory with its fused score and per-signal scores. */
    static void json(PrintStream out, List<Recalled> results) {
        out.println(LociJson.pretty(LociJson.recalled(results)));
    }

    static void print(PrintStream out, JsonNode node) {
        out.println(LociJson.pretty(node));
    }
}
