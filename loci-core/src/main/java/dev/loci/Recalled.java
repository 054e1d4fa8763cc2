package dev.loci;

import java.util.List;
import java.util.Optional;

/**
 * One recall result with the reasons it ranked where it did.
 *
 * @param memory  the memory
 * @param score   the fused score results are ordered by (higher first)
 * @param signals every signal that found this memory; absent signals did not rank it
 */
public record Recalled(Memory memory, double score, List<Signal> signals) {
    public Recalled {
        signals = List.copyOf(signals);
    }

    /** The named signal's view of this result, empty if that signal did not rank it. */
    public Optional<Signal> signal(String name) {
        return signals.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
