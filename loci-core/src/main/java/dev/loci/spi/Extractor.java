package dev.loci.spi;

import java.time.Instant;
import java.util.List;

/**
 * Reads the claims a text makes about people ("I moved to Denver" → Caroline's residence is
 * Denver). The supersession rule compares them, and a profile gathers them per subject.
 * Implementations may be pattern based or backed by a language model; they must be thread-safe,
 * and should be deterministic (the same arguments give the same statements).
 *
 * <p>Questions, wishes and hypotheticals ("Do you live in Denver?", "If I lived in Denver...")
 * make no claim and give no statements.
 */
public interface Extractor {
    /**
     * The statements {@code text} makes, in the order they appear; empty when it makes none.
     *
     * @param text    what was said; never null, may be blank (no statements)
     * @param speaker display name of who said it, used to resolve "I"; null when unknown
     * @param at      when it was said, for implementations that resolve relative time; never null
     * @throws dev.loci.InvalidInputException when {@code text} or {@code at} is null
     */
    List<Statement> extract(String text, String speaker, Instant at);
}
