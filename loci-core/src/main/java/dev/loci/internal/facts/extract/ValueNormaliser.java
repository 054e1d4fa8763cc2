package dev.loci.internal.facts.extract;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Statement values: cleaning the words a pattern captured into a stored value, and the
 * comparison key two values are matched by. Stateless.
 *
 * <p>Comparison ({@link #same}) ignores case, punctuation, a leading "the", company suffixes
 * (Inc, Corp, Co, LLC, Ltd...), a tiny alias table ({@link #ALIASES}: NYC, LA, SF, DC, US, UK,
 * Philly, Vegas) and word endings (-ing, -ed, -es, -s, -e on words of four letters or more, so
 * "moving to Denver" matches "move to Denver"). Two values are the same when their keys are equal
 * or every word of one is in the other ("Portland" and "Portland Oregon", "New York" and "New York
 * City"): a refinement, not a contradiction.
 */
public final class ValueNormaliser {
    /** Longest value kept, in words; longer captures are clauses, not values. */
    static final int MAX_WORDS = 6;

    /** Where a captured value ends: conjunctions, prepositions and time adjuncts. */
    private static final Pattern VALUE_END = Pattern.compile("\\s+(?:and|but|or|because|since|so|with|for|where|"
            + "which|who|when|while|after|before|until|as|to|from|now|again|anymore|any more|too|already|though|"
            + "these days|at the moment|right now|recently|last|next|this|every|over|on|at|near|ago|a while|"
            + "yesterday|today|tonight|tomorrow|soon|for good|after all|permanently|in|by|full time|part time|"
            + "\\d+ (?:days?|weeks?|months?|years?))\\b.*");
    /** Where a captured plan ends: only time adjuncts, since plans keep their prepositions. */
    private static final Pattern PLAN_END = Pattern.compile("\\s+(?:anymore|any more|after all|now|soon|someday|"
            + "next|this|in (?:january|february|march|april|may|june|july|august|september|october|november|"
            + "december|spring|summer|fall|autumn|winter|the (?:spring|summer|fall|autumn|winter|future)|a few|"
            + "\\d+|a (?:week|month|year)|(?:19|20)\\d\\d)|tomorrow|tonight|later|one day|at some point|"
            + "because|but|since)\\b.*");
    private static final Pattern LEADING = Pattern.compile("^(?:(?:the|a|an|my|our|his|her|their|some|to)\\s+)+");
    private static final Pattern EDGE_PUNCTUATION = Pattern.compile("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+$");
    private static final Set<String> NOT_VALUES = Set.of("it", "that", "this", "there", "here", "them", "him", "her",
            "you", "me", "us", "one", "someone", "something", "home", "how", "what", "being", "having", "so much",
            "a lot", "lots", "myself", "everything", "anything", "nothing", "doing");
    private static final Pattern COMPANY_SUFFIX = Pattern.compile(
            "\\s+(?:inc|incorporated|corp|corporation|co|company|llc|ltd|limited|plc|gmbh)$");
    /** Tiny, deliberately: only short forms common enough that a user would mix them. */
    static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("nyc", "new york"), Map.entry("new york city", "new york"), Map.entry("ny", "new york"),
            Map.entry("la", "los angeles"), Map.entry("sf", "san francisco"), Map.entry("san fran", "san francisco"),
            Map.entry("dc", "washington"), Map.entry("washington dc", "washington"),
            Map.entry("us", "united states"), Map.entry("usa", "united states"), Map.entry("the states", "united states"),
            Map.entry("america", "united states"), Map.entry("uk", "united kingdom"),
            Map.entry("britain", "united kingdom"), Map.entry("great britain", "united kingdom"),
            Map.entry("philly", "philadelphia"), Map.entry("vegas", "las vegas"));

    private ValueNormaliser() {
    }

    /**
     * The stored form of a captured value: lower case, cut where the value's clause ends, leading
     * articles and edge punctuation removed. Null when nothing usable is left (empty, a pronoun,
     * longer than {@link #MAX_WORDS}).
     */
    static String clean(String raw) {
        return tidy(VALUE_END.matcher(raw.toLowerCase(Locale.ROOT).strip()).replaceFirst(""));
    }

    /** Like {@link #clean} for a plan ("move to Denver next year" → "move to denver"). */
    static String cleanPlan(String raw) {
        return tidy(PLAN_END.matcher(raw.toLowerCase(Locale.ROOT).strip()).replaceFirst(""));
    }

    private static String tidy(String s) {
        s = EDGE_PUNCTUATION.matcher(s.strip()).replaceAll("");
        s = LEADING.matcher(s).replaceFirst("");
        s = EDGE_PUNCTUATION.matcher(s).replaceAll("").replaceAll("\\s+", " ");
        if (s.isEmpty() || NOT_VALUES.contains(s) || s.split(" ").length > MAX_WORDS) {
            return null;
        }
        return s;
    }

    /** Whether two stored values name the same thing (see the class comment). */
    public static boolean same(String a, String b) {
        List<String> ka = key(a);
        List<String> kb = key(b);
        return ka.equals(kb) || (!ka.isEmpty() && !kb.isEmpty() && (kb.containsAll(ka) || ka.containsAll(kb)));
    }

    /** The comparison key: the value's words after the normalisations in the class comment. */
    static List<String> key(String value) {
        String s = value.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
        s = s.replaceFirst("^the\\s+", "");
        s = COMPANY_SUFFIX.matcher(s).replaceFirst("");
        s = ALIASES.getOrDefault(s, s);
        return Arrays.stream(s.split(" ")).filter(w -> !w.isEmpty()).map(ValueNormaliser::stem).toList();
    }

    private static String stem(String word) {
        return word.length() < 4 ? word : word.replaceFirst("(?:ing|ed|es|s|e)$", "");
    }
}
