package dev.loci.spi;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One claim a text makes about someone: "{@code subject}'s {@code attribute} is (or is no longer)
 * {@code value}". Produced by an {@link Extractor}; compared by the supersession rule; gathered
 * per subject into a profile.
 *
 * <p><b>Subject.</b> Lower case, never blank. A first-person statement ("I", "we") resolves to
 * the normalised speaker name ({@code "caroline"}) when the speaker is known, else to
 * {@link #SELF}; a named third person ("Caroline lives in Boston") to the normalised name. So
 * "I live in Boston" said by Caroline and "Caroline lives in Boston" share the subject
 * {@code caroline}. A relative named only by role ("my sister", "our son") is
 * {@code <speaker>/<role>}, e.g. {@code caroline/sister} or {@code self/sister}. Names are
 * compared as written: "Caroline Smith" and "Caroline" are different subjects.
 *
 * <p><b>Attribute vocabulary</b> (category, single-valued?):
 * {@code residence, origin, birthplace, name, age, job, employer, school, study, diet} (IDENTITY,
 * single); {@code relationship} (RELATION, single: married, single, divorced, engaged, separated,
 * widowed, in a relationship); {@code family:<role>} for kin and partners and
 * {@code relation:<role>} for others such as {@code relation:boss} (RELATION; single for partners,
 * best friend and boss, multi for the rest); {@code favorite:<thing>} (PREFERENCE, single);
 * {@code likes} and {@code pet} (PREFERENCE, multi); {@code plan} (PLAN, multi).
 * Other extractors may add attributes of the same shape.
 *
 * <p><b>Value.</b> Lower case, articles and surrounding punctuation removed, never blank;
 * {@link #UNSPECIFIED} when the text implies the attribute but names no value ("I quit my job",
 * "we moved").
 *
 * @param subject      who the claim is about, normalised as above
 * @param attribute    a lower-case name: letters, spaces and at most one {@code :}, e.g.
 *                     {@code residence} or {@code favorite:color}
 * @param value        the normalised value, or {@link #UNSPECIFIED}
 * @param category     what a profile groups the claim under
 * @param singleValued whether a subject has one value at a time, so a different value contradicts
 * @param negated      the claim denies the value: "I no longer live in Boston", "I quit my job at
 *                     Acme", "I used to like sushi"
 * @param span         the words of the source text the claim was read from, as written
 */
public record Statement(String subject, String attribute, String value, Category category,
                        boolean singleValued, boolean negated, String span) {
    /** Subject of a first-person statement whose speaker is unknown. */
    public static final String SELF = "self";
    /** Value of a statement that implies the attribute without naming its value. */
    public static final String UNSPECIFIED = "*";

    private static final Pattern ATTRIBUTE = Pattern.compile("[a-z]+(?::[a-z][a-z ]*[a-z]|:[a-z])?");

    /** What a profile groups statements by. */
    public enum Category {
        /** Who the subject is: where they live, work, come from, their age and name. */
        IDENTITY,
        /** Who the subject is tied to: partner, family, relationship status. */
        RELATION,
        /** What the subject likes, dislikes, owns for company, holds as favourite. */
        PREFERENCE,
        /** What the subject intends to do. */
        PLAN
    }

    public Statement {
        requireNormalised("subject", subject);
        Objects.requireNonNull(attribute, "attribute");
        if (!ATTRIBUTE.matcher(attribute).matches()) {
            throw new IllegalArgumentException("attribute must be lower-case letters with at most one ':' "
                    + "(e.g. residence, favorite:color), got '" + attribute + "'");
        }
        requireNormalised("value", value);
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(span, "span");
        if (span.isBlank()) {
            throw new IllegalArgumentException("span must name the source words, got a blank string");
        }
    }

    /** Whether the text named no value, only the attribute. */
    public boolean valueUnspecified() {
        return UNSPECIFIED.equals(value);
    }

    private static void requireNormalised(String field, String s) {
        Objects.requireNonNull(s, field);
        if (s.isBlank() || !s.equals(s.strip()) || !s.equals(s.toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException(field
                    + " must be non-blank, lower case and without surrounding spaces, got '" + s + "'");
        }
    }
}
