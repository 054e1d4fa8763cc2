package dev.loci.store.lucene;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link StoreCheck} found in a data directory, or what {@link StoreRepair} did to it: one
 * line per finding, each naming the file or the memory it is about. Immutable once built.
 *
 * @param lines the findings in the order they were made
 */
public record StoreReport(List<Line> lines) {
    /** How much a line matters. */
    public enum Level {
        /** A figure or a fact about the store (segments, records, memories). */
        INFO,
        /** Not damage, but worth knowing (a write torn by a crash, never acknowledged). */
        WARNING,
        /** Damage or an inconsistency: the check fails. */
        ERROR,
        /** Something repair changed. */
        REPAIRED,
        /** Something repair could not keep. */
        LOST
    }

    /**
     * One finding.
     *
     * @param level   how much it matters
     * @param subject the file, directory or memory it is about ({@code wal/wal-...log}, {@code index})
     * @param text    what was found or done, in a user's terms
     */
    public record Line(Level level, String subject, String text) {
        @Override
        public String toString() {
            return String.format("%-8s %s: %s", level, subject, text);
        }
    }

    public StoreReport {
        lines = List.copyOf(lines);
    }

    /** Whether no line is an {@link Level#ERROR}. */
    public boolean ok() {
        return lines.stream().noneMatch(l -> l.level() == Level.ERROR);
    }

    /** The lines of one level. */
    public List<Line> lines(Level level) {
        return lines.stream().filter(l -> l.level() == level).toList();
    }

    /** Collects lines while a check or repair runs. Not thread-safe. */
    static final class Builder {
        private final List<Line> lines = new ArrayList<>();

        Builder add(Level level, String subject, String text) {
            lines.add(new Line(level, subject, text));
            return this;
        }

        Builder addAll(StoreReport other) {
            lines.addAll(other.lines());
            return this;
        }

        boolean hasErrors() {
            return lines.stream().anyMatch(l -> l.level() == Level.ERROR);
        }

        StoreReport build() {
            return new StoreReport(lines);
        }
    }
}
