package dev.loci.internal.facts;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.spi.Extractor;
import dev.loci.spi.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the statements each turn makes with the {@link Extractor}. Turns of assistants and the
 * system are skipped: they speak about the user, not for them. A failing extractor costs the turn
 * its facts, never the turn. Thread-safe when the extractor is.
 */
final class FactReader {
    private static final System.Logger LOG = System.getLogger(FactReader.class.getName());
    /** Most statements kept from one turn: a long document gives no more facts than this. */
    static final int MAX_STATEMENTS_PER_TURN = 16;

    private final Extractor extractor;

    FactReader(Extractor extractor) {
        this.extractor = extractor;
    }

    /** The statements of each turn, in order (none for assistant and system turns). */
    List<List<Statement>> read(List<Memory> turns) {
        var out = new ArrayList<List<Statement>>(turns.size());
        for (Memory turn : turns) {
            if (turn.kind() != Kind.TURN || "assistant".equalsIgnoreCase(turn.role())
                    || "system".equalsIgnoreCase(turn.role())) {
                out.add(List.of());
                continue;
            }
            List<Statement> all;
            try {
                all = extractor.extract(turn.text(), turn.speaker(), turn.occurredAt());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "the extractor failed on turn " + turn.id()
                        + "; it is stored without facts", e);
                all = List.of();
            }
            out.add(all.size() > MAX_STATEMENTS_PER_TURN ? all.subList(0, MAX_STATEMENTS_PER_TURN) : all);
        }
        return out;
    }

    /** The statements of one turn. */
    List<Statement> read(Memory turn) {
        return read(List.of(turn)).get(0);
    }

    /** Whether {@link #read} found anything to consolidate. */
    static boolean any(List<List<Statement>> statements) {
        return statements.stream().anyMatch(s -> !s.isEmpty());
    }
}
