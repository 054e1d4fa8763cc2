package dev.loci.internal.facts;

import dev.loci.InvalidInputException;
import dev.loci.internal.facts.extract.ValueNormaliser;
import dev.loci.spi.Extractor;
import dev.loci.spi.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The supersession rule: does a newer statement close an older one? Immutable; thread-safe when
 * its {@link Extractor} is.
 *
 * <p>A newer statement N supersedes an older statement O when they share subject and attribute
 * and one of these holds (values compared with {@link ValueNormaliser#same}: case, punctuation, articles,
 * company suffixes, a tiny alias table, word endings, and one value's words within the other's):
 * <ol>
 *   <li>N denies O's value, or denies the attribute without naming a value ("I quit my job"
 *       closes "I work at Acme"), and O asserts it;</li>
 *   <li>N asserts a value O denied ("I no longer live in Boston", later "I moved back to Boston");</li>
 *   <li>the attribute is single-valued (both statements say so), both assert, and the values differ.</li>
 * </ol>
 * Nothing supersedes when both deny, or when O names no value ("we moved", "I got a new job").
 *
 * <p><b>Embeddings.</b> The caller finds candidate older memories by embedding similarity and may
 * pass the cosine similarity of the two texts. It is used in exactly one place: when N asserts a
 * single-valued attribute without naming the value ("I got a new job!", "we finally moved") while O
 * names one, the patterns cannot tell whether the value changed, and N supersedes O iff the
 * similarity is at least {@link Config#minSimilarityForUnnamedValue()}. Without a similarity that
 * case does not supersede. Similarity never overrides the patterns otherwise, and texts that give
 * no statements never supersede, however similar.
 */
public final class Supersession {
    private final Extractor extractor;
    private final Config config;

    /**
     * @param minSimilarityForUnnamedValue cosine similarity in [-1, 1] at or above which a newer
     *                                     statement that names no value supersedes an older one
     *                                     about the same single-valued attribute; default 0.5, a
     *                                     starting point not yet measured with a real embedder
     */
    public record Config(double minSimilarityForUnnamedValue) {
        public static final Config DEFAULTS = new Config(0.5);

        public Config {
            requireSimilarity("minSimilarityForUnnamedValue", minSimilarityForUnnamedValue);
        }
    }

    /**
     * A text as it was said.
     *
     * @param text    what was said; never null
     * @param speaker display name of who said it; null when unknown
     * @param at      when it was said; never null
     */
    public record Said(String text, String speaker, Instant at) {
        public Said {
            if (text == null) {
                throw new InvalidInputException("text", "must not be null");
            }
            if (at == null) {
                throw new InvalidInputException("at", "must not be null: when the text was said");
            }
        }
    }

    /**
     * The rule's answer.
     *
     * @param supersedes whether the newer text closes the older one
     * @param reason     why, in words, for explaining the link or its absence
     * @param older      the older statement that decided it; null when no pair of statements was compared
     * @param newer      the newer statement that decided it; null likewise
     */
    public record Decision(boolean supersedes, String reason, Statement older, Statement newer) {
        public Decision {
            Objects.requireNonNull(reason, "reason");
        }
    }

    public Supersession(Extractor extractor, Config config) {
        this.extractor = Objects.requireNonNull(extractor, "extractor");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Whether {@code newer} supersedes {@code older}, from the patterns alone. */
    public Decision decide(Statement older, Statement newer) {
        return decide(older, newer, OptionalDouble.empty());
    }

    /** Like {@link #decide(Statement, Statement)}, with the texts' cosine similarity in [-1, 1]. */
    public Decision decide(Statement older, Statement newer, double similarity) {
        requireSimilarity("similarity", similarity);
        return decide(older, newer, OptionalDouble.of(similarity));
    }

    /**
     * Whether what was said later supersedes what was said earlier, from the patterns alone: the
     * first pair of their statements (newer's in order, then older's) that supersedes decides;
     * otherwise the reason of the closest pair (same subject and attribute) is given.
     */
    public Decision decide(Said older, Said newer) {
        return decide(older, newer, OptionalDouble.empty());
    }

    /** Like {@link #decide(Said, Said)}, with the texts' cosine similarity in [-1, 1]. */
    public Decision decide(Said older, Said newer, double similarity) {
        requireSimilarity("similarity", similarity);
        return decide(older, newer, OptionalDouble.of(similarity));
    }

    private Decision decide(Said older, Said newer, OptionalDouble similarity) {
        Objects.requireNonNull(older, "older");
        Objects.requireNonNull(newer, "newer");
        List<Statement> olds = extractor.extract(older.text(), older.speaker(), older.at());
        List<Statement> news = extractor.extract(newer.text(), newer.speaker(), newer.at());
        if (olds.isEmpty() || news.isEmpty()) {
            return new Decision(false, "no statement in the " + (olds.isEmpty() ? "older" : "newer") + " text",
                    null, null);
        }
        Decision closest = null;
        for (Statement n : news) {
            for (Statement o : olds) {
                Decision d = decide(o, n, similarity);
                if (d.supersedes()) {
                    return d;
                }
                if (closest == null && o.subject().equals(n.subject()) && o.attribute().equals(n.attribute())) {
                    closest = d;
                }
            }
        }
        return closest != null ? closest
                : new Decision(false, "no statements share subject and attribute", null, null);
    }

    private Decision decide(Statement o, Statement n, OptionalDouble similarity) {
        Objects.requireNonNull(o, "older");
        Objects.requireNonNull(n, "newer");
        String a = o.attribute();
        if (!o.subject().equals(n.subject())) {
            return no("different subjects (" + o.subject() + ", " + n.subject() + ")", o, n);
        }
        if (!a.equals(n.attribute())) {
            return no("different attributes (" + a + ", " + n.attribute() + ")", o, n);
        }
        if (o.negated() && n.negated()) {
            return no("both deny a " + a, o, n);
        }
        if (n.negated()) {
            if (n.valueUnspecified()) {
                return yes("newer denies any " + a + ", older had " + o.value(), o, n);
            }
            return o.valueUnspecified() || !ValueNormaliser.same(o.value(), n.value())
                    ? no("newer denies a different " + a + " (" + n.value() + ", older " + o.value() + ")", o, n)
                    : yes("newer denies the older " + a + " " + o.value(), o, n);
        }
        if (o.negated()) {
            return !o.valueUnspecified() && !n.valueUnspecified() && ValueNormaliser.same(o.value(), n.value())
                    ? yes("newer asserts the " + a + " " + n.value() + " the older denied", o, n)
                    : no("older denied " + a + " " + o.value() + ", newer asserts " + n.value() + ": consistent", o, n);
        }
        if (!o.singleValued() || !n.singleValued()) {
            return no(a + " holds many values: " + o.value() + " and " + n.value() + " accumulate", o, n);
        }
        if (o.valueUnspecified()) {
            return no("older names no " + a, o, n);
        }
        if (n.valueUnspecified()) {
            return unnamedValue(o, n, similarity);
        }
        return ValueNormaliser.same(o.value(), n.value())
                ? no("same " + a + " (" + o.value() + ", " + n.value() + ")", o, n)
                : yes(a + " changed: " + o.value() + " -> " + n.value(), o, n);
    }

    /** The one use of similarity: a newer statement that implies a change but names no value. */
    private Decision unnamedValue(Statement o, Statement n, OptionalDouble similarity) {
        String a = o.attribute();
        if (similarity.isEmpty()) {
            return no("newer names no " + a + " and no similarity was given", o, n);
        }
        double s = similarity.getAsDouble();
        String compared = String.format(Locale.ROOT, "similarity %.2f %s %.2f", s,
                s >= config.minSimilarityForUnnamedValue() ? ">=" : "<", config.minSimilarityForUnnamedValue());
        return s >= config.minSimilarityForUnnamedValue()
                ? yes("newer implies a new " + a + " without naming it; " + compared, o, n)
                : no("newer names no " + a + "; " + compared, o, n);
    }

    private static Decision yes(String reason, Statement o, Statement n) {
        return new Decision(true, reason, o, n);
    }

    private static Decision no(String reason, Statement o, Statement n) {
        return new Decision(false, reason, o, n);
    }

    private static void requireSimilarity(String name, double value) {
        if (!(value >= -1 && value <= 1)) {
            throw new InvalidInputException(name, "must be a cosine similarity in [-1, 1], got " + value);
        }
    }
}
