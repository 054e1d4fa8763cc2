package dev.loci.internal.facts.extract;

import static dev.loci.internal.facts.extract.AttributeVocabulary.EMPLOYER;
import static dev.loci.internal.facts.extract.AttributeVocabulary.JOB;
import static dev.loci.internal.facts.extract.AttributeVocabulary.NAME;
import static dev.loci.internal.facts.extract.AttributeVocabulary.PET;
import static dev.loci.internal.facts.extract.AttributeVocabulary.STUDY;

import dev.loci.InvalidInputException;
import dev.loci.spi.Extractor;
import dev.loci.spi.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads statements from English text with patterns; no model, no network, deterministic.
 * Stateless and thread-safe.
 *
 * <p>Top to bottom: split the text into sentences and drop questions; split sentences into
 * clauses (at commas, semicolons and "and/but/so" before a new subject) and drop hypothetical ones
 * ("if", "wish", "might", "would"...); expand contractions; read the inverted forms ("Winter is my
 * favorite season", "Maya is my best friend"); else find the clause's subject ("I", "we", "my
 * sister", "Caroline", "my sister's") and hand what follows, with its negation ("not", "no
 * longer", "used to", "stopped") removed, to {@link PredicatePatterns}. "Used to" reads as a negation:
 * "I used to live in Boston" claims Boston is no longer the residence. Simple past ("I lived in
 * Memphis", "I worked at a diner") is history and gives nothing. Subjects are normalised as
 * {@link Statement} describes; pronouns other than "I" and "we" are not resolved.
 */
public final class PatternExtractor implements Extractor {
    private static final Pattern SENTENCE_END = Pattern.compile(
            "(?<=[.!?])(?<!\\b(?:St|Dr|Mr|Mrs|Ms|Jr|Sr|Mt|Ft)\\.)\\s+|\\n+");
    private static final Pattern QUESTION_START = Pattern.compile("^(?:do|does|did|are|am|was|were|have|has|had|can|"
            + "could|would|will|should|shall|what|what's|where|who|why|how|which|whose)\\b");
    private static final Pattern CLAUSE_BREAK = Pattern.compile(
            "\\s*[,;:()]\\s*|\\s+[-\u2013\u2014]+\\s+|\\s+(?:and|but|so|then|because)\\s+(?=(?:i|we|my|our)\\b)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern LEADING_CONJUNCTION = Pattern.compile("^(?i:and|but|so|then|because)\\s+");
    private static final Pattern HYPOTHETICAL = Pattern.compile("\\b(?:if|unless|wish|wished|would|might|could|"
            + "should|maybe|perhaps|someday|one day|whether|suppose|imagine|hopefully|probably|dream of)\\b");
    private static final Pattern DISCOURSE = Pattern.compile("^(?:(?:oh|well|so|honestly|actually|anyway|yeah|yes|"
            + "okay|ok|hey|btw|also|and|but|guess what|by the way|fun fact|update|big news|good news|bad news)\\b"
            + "[\\s!.-]*)+");
    /** Words before a subject that make the clause subordinate or reported, so not a claim of the speaker's. */
    private static final Pattern BLOCKED_PREFIX = Pattern.compile("\\b(?:if|when|while|before|after|because|since|"
            + "until|unless|once|that|who|which|whether|told|tells|said|says|think|thinks|thought|heard|asked|"
            + "you|he|she|they)\\b");
    private static final int MAX_PREFIX_WORDS = 5;
    private static final Pattern SUBJECT = Pattern.compile(
            "(?<first>\\b(?i:i|we)\\b)|(?<poss>\\b(?i:my|our)\\s+)|(?<name>\\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\\b)");
    private static final Set<String> NOT_NAMES = Set.of("I", "We", "You", "He", "She", "They", "It", "This", "That",
            "These", "Those", "There", "Here", "My", "Our", "Your", "His", "Her", "Their", "The", "A", "An", "And",
            "But", "So", "Or", "Oh", "Well", "Yes", "No", "Yeah", "Hey", "Hi", "Actually", "Honestly", "Also", "Now",
            "Then", "Today", "Yesterday", "Tomorrow", "Last", "Next", "Since", "When", "After", "Before", "Back",
            "Just", "Still", "Finally", "Anyway", "Guess", "Please", "Thanks", "Sorry", "What", "Where", "Who", "Why",
            "How", "Which", "Do", "Does", "Did", "Are", "Is", "Am", "Have", "Has", "Should", "Can", "Could", "Would",
            "Will", "If", "Because", "Not", "Maybe", "Unfortunately", "Luckily", "Sadly", "Recently", "Mom", "Dad",
            "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
            "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
            "Everyone", "Nobody", "Somebody", "Someone", "Everybody", "Apparently", "Lately", "Nowadays", "Currently");
    private static final String ROLES = "best friend|friend|boss|manager|roommate|flatmate|neighbou?r|co-?worker|"
            + "colleague|therapist|doctor|coach|teacher|landlord|mentor|mother|mom|mum|father|dad|parents|sister|"
            + "brother|son|daughter|kids|children|wife|husband|hubby|spouse|partner|boyfriend|girlfriend|"
            + "fianc[eé]e?|grandmother|grandma|granny|grandfather|grandpa|grandparents|aunt|uncle|cousin|niece|"
            + "nephew|twin|step(?:mother|father|son|daughter|sister|brother)";
    private static final Pattern ROLE = Pattern.compile("(?<ex>ex[- ])?(?:(?:older|younger|little|big|baby|new|old|"
            + "oldest|youngest|eldest|current|twin|half)\\s+)*(?<role>" + ROLES + ")\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern ROLE_VALUE = Pattern.compile(
            "^(?:'s name)? is (?:called |named )?(?<name>[A-Z][\\w-]*(?: [A-Z][\\w-]*)?)\\W*$");
    private static final Pattern APPOSITIVE = Pattern.compile("^ (?<name>[A-Z][a-z]+)\\b(?!')");
    private static final Pattern FAVORITE = Pattern.compile("^(?:(?:new|current|all-time|absolute|very) )*"
            + "favou?rite (?<thing>[a-z]+(?: [a-z]+)?) (?:(?:these days|right now|at the moment|now|of all time|ever) )?"
            + "(?<verb>is|are|used to be|has to be) (?<neg>no longer |not |still )?(?<v>.+)");
    private static final Pattern MY_ATTRIBUTE = Pattern.compile(
            "^(?<noun>name|job|profession|occupation|employer|company|major) is (?:an? )?(?<v>.+)");
    private static final Pattern PET_GONE = Pattern.compile("^(?<sp>[a-z ]+?)(?: [a-z]+)? (?:has |had )?"
            + "(?:died|passed away|passed|ran away|was put down|went missing)\\b");
    private static final Pattern INVERTED = Pattern.compile("^(?<v>.+?) (?:is|are) (?<neg>no longer |not |still )?"
            + "(?<owner>my|our|[a-z]+'s) (?<noun>(?:new |current |all-time )?favou?rite [a-z]+|best friend|boss)\\b");
    private static final Pattern USED_TO = Pattern.compile("^" + PredicatePatterns.ADV + "used to\\s+");
    private static final Pattern NEGATION = Pattern.compile("^(?:(?<aux>am|is|are|do|does|did|have|has|will|was|"
            + "were|can)\\s+)?" + PredicatePatterns.ADV + "(?:not|no longer|never)\\s+" + PredicatePatterns.ADV);
    private static final Pattern STOPPED = Pattern.compile(
            "^(?:(?:have|has)\\s+)?" + PredicatePatterns.ADV + "(?:stopped|quit|gave up|given up)\\s+(?=\\w+ing\\b)");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    /** The rewrites of {@link #expand}, in order. */
    private static final List<Contraction> CONTRACTIONS = List.of(
            Contraction.of("(?i)\\b(?:can't|cannot|can not) stand\\b", "hate"),
            Contraction.of("(?i)\\bwon't\\b", "will not"),
            Contraction.of("(?i)\\bcan't\\b", "can not"),
            Contraction.of("(?i)n't\\b", " not"),
            Contraction.of("(?i)\\bi'm\\b", "I am"),
            Contraction.of("(?i)\\b(we|you|they)'re\\b", "$1 are"),
            Contraction.of("(?i)\\b(i|we|you|they)'ve\\b", "$1 have"),
            Contraction.of("(?i)\\b(i|we|you|they|he|she)'ll\\b", "$1 will"),
            Contraction.of("(?i)\\b(i|we|you|they|he|she)'d\\b", "$1 would"),
            Contraction.of("(?i)\\b(he|she|it|that|what|there|name)'s\\b", "$1 is"));
    private static final Pattern ANYMORE = Pattern.compile("\\s*\\b(?:anymore|any more)\\b");
    private static final Pattern LEADING_ADVERBS = Pattern.compile("^" + PredicatePatterns.ADV);
    /** Fillers at the end of a predicate that do not change the claim: "I'm 42 now", "I'm single again". */
    private static final Pattern TRAILING_FILLER = Pattern.compile("(?:\\s+(?:now|these days|at the moment|right now|"
            + "currently|nowadays|again|too|as well|already|still|though)|\\W)+$");

    @Override
    public List<Statement> extract(String text, String speaker, Instant at) {
        if (text == null) {
            throw new InvalidInputException("text", "must not be null (use an empty string for no text)");
        }
        if (at == null) {
            throw new InvalidInputException("at", "must not be null: when the text was said");
        }
        String self = speaker == null || speaker.isBlank() ? Statement.SELF : name(speaker);
        List<Statement> out = new ArrayList<>();
        for (String sentence : SENTENCE_END.split(text.strip())) {
            String s = sentence.strip();
            if (s.isEmpty() || s.endsWith("?") || QUESTION_START.matcher(lower(s)).find()) {
                continue;
            }
            for (String clause : CLAUSE_BREAK.split(s)) {
                String span = LEADING_CONJUNCTION.matcher(clause.strip()).replaceFirst("");
                String c = expand(span);
                if (!c.isEmpty() && !HYPOTHETICAL.matcher(lower(c)).find()) {
                    out.addAll(readClause(c, span, self));
                }
            }
        }
        return List.copyOf(out);
    }

    /** The claims of one clause: the inverted forms, else the first subject whose predicate reads. */
    private static List<Statement> readClause(String clause, String span, String self) {
        String c = DISCOURSE.matcher(clause).replaceFirst("");
        List<Statement> inverted = inverted(lower(c), span, self);
        if (!inverted.isEmpty()) {
            return inverted;
        }
        Matcher m = SUBJECT.matcher(c);
        while (m.find()) {
            String prefix = lower(c.substring(0, m.start()));
            if (BLOCKED_PREFIX.matcher(prefix).find() || words(prefix) > MAX_PREFIX_WORDS) {
                return List.of();
            }
            List<Statement> found;
            if (m.group("first") != null) {
                found = predicate(self, c.substring(m.end()), span);
            } else if (m.group("poss") != null) {
                found = possessive(self, c.substring(m.end()), span);
            } else if (NOT_NAMES.contains(m.group("name"))) {
                continue;
            } else {
                String rest = c.substring(m.end());
                found = rest.startsWith("'s ")
                        ? possessive(name(m.group("name")), rest.substring(3), span)
                        : predicate(name(m.group("name")), rest, span);
            }
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    /** What follows "my" (or "Caroline's"): an attribute of the owner, or a person in the owner's circle. */
    private static List<Statement> possessive(String owner, String rest, String span) {
        String low = lower(rest);
        Matcher fav = FAVORITE.matcher(low);
        if (fav.lookingAt()) {
            boolean negated = fav.group("verb").equals("used to be") || (fav.group("neg") != null
                    && !fav.group("neg").equals("still "));
            return one(owner, "favorite:" + singular(fav.group("thing")), ValueNormaliser.clean(fav.group("v")), negated, span);
        }
        Matcher attr = MY_ATTRIBUTE.matcher(low);
        if (attr.lookingAt()) {
            String attribute = switch (attr.group("noun")) {
                case "name" -> NAME;
                case "employer", "company" -> EMPLOYER;
                case "major" -> STUDY;
                default -> JOB;
            };
            return one(owner, attribute, ValueNormaliser.clean(attr.group("v")), false, span);
        }
        Matcher role = ROLE.matcher(rest);
        if (role.lookingAt()) {
            String r = role(role.group("role"), role.group("ex") != null);
            String after = rest.substring(role.end());
            Matcher named = ROLE_VALUE.matcher(after);
            if (named.lookingAt()) {
                return one(owner, AttributeVocabulary.role(r), ValueNormaliser.clean(named.group("name")), false, span);
            }
            if (after.startsWith("'s ")) {
                return possessive(owner + "/" + r, after.substring(3), span);
            }
            Matcher appositive = APPOSITIVE.matcher(after);
            if (appositive.lookingAt() && !NOT_NAMES.contains(appositive.group("name"))) {
                String person = name(appositive.group("name"));
                List<Statement> out = new ArrayList<>(one(owner, AttributeVocabulary.role(r), person, false, span));
                out.addAll(predicate(person, after.substring(appositive.end()), span));
                return out.size() > 1 ? out : List.of();
            }
            return predicate(owner + "/" + r, after, span);
        }
        Matcher gone = PET_GONE.matcher(low);
        if (gone.lookingAt() && PredicatePatterns.isSpecies(gone.group("sp"))) {
            return one(owner, PET, PredicatePatterns.species(gone.group("sp")), true, span);
        }
        return List.of();
    }

    /** "Winter is my favorite season", "Ramen is no longer my favorite food", "Maya is my best friend". */
    private static List<Statement> inverted(String c, String span, String self) {
        Matcher m = INVERTED.matcher(c);
        if (!m.lookingAt() || words(m.group("v")) > ValueNormaliser.MAX_WORDS) {
            return List.of();
        }
        String owner = m.group("owner").endsWith("'s") ? name(m.group("owner").replace("'s", "")) : self;
        String noun = m.group("noun").replaceFirst("^(?:new|current|all-time) ", "");
        String attribute = noun.startsWith("favo") ? "favorite:" + singular(noun.substring(noun.indexOf(' ') + 1))
                : AttributeVocabulary.role(noun);
        boolean negated = m.group("neg") != null && !m.group("neg").equals("still ");
        return one(owner, attribute, ValueNormaliser.clean(m.group("v")), negated, span);
    }

    /** A predicate after its subject: negation removed and remembered, then the patterns. */
    private static List<Statement> predicate(String subject, String rest, String span) {
        String p = lower(rest).strip();
        p = TRAILING_FILLER.matcher(p).replaceFirst("");
        p = LEADING_ADVERBS.matcher(p).replaceFirst("");
        boolean negated = false;
        Matcher used = USED_TO.matcher(p);
        if (used.lookingAt()) {
            negated = true;
            p = p.substring(used.end());
        }
        Matcher neg = NEGATION.matcher(p);
        if (neg.lookingAt()) {
            negated = !negated;
            String aux = neg.group("aux");
            boolean keep = aux != null && !Set.of("do", "does", "did", "can").contains(aux);
            p = (keep ? aux + " " : "") + p.substring(neg.end());
        }
        Matcher stopped = STOPPED.matcher(p);
        if (stopped.lookingAt()) {
            negated = !negated;
            p = p.substring(stopped.end());
        }
        p = ANYMORE.matcher(p).replaceAll("").strip();
        List<Statement> out = new ArrayList<>();
        for (PredicatePatterns.Claim claim : PredicatePatterns.read(p)) {
            out.add(AttributeVocabulary.statement(subject, claim.attribute(), claim.value(), claim.negated() != negated, span));
        }
        return out;
    }

    private static List<Statement> one(String subject, String attribute, String value, boolean negated, String span) {
        return value == null ? List.of() : List.of(AttributeVocabulary.statement(subject, attribute, value, negated, span));
    }

    /** Contractions expanded, case kept: "I'm" → "I am", "don't" → "do not", "can't stand" → "hate". */
    static String expand(String s) {
        String t = s.replace('\u2019', '\'');
        if (t.indexOf('\'') < 0 && !t.toLowerCase(Locale.ROOT).contains("stand")) {
            return t; // every contraction has an apostrophe, and "cannot stand" a "stand": most clauses have neither
        }
        for (Contraction c : CONTRACTIONS) {
            t = c.pattern().matcher(t).replaceAll(c.replacement());
        }
        return t;
    }

    /** One rewrite of {@link #expand}, compiled once: it runs on every clause of every remembered turn. */
    private record Contraction(Pattern pattern, String replacement) {
        static Contraction of(String regex, String replacement) {
            return new Contraction(Pattern.compile(regex), replacement);
        }
    }

    private static String role(String raw, boolean ex) {
        String r = lower(raw).replace("-", "");
        r = switch (r) {
            case "mom", "mum" -> "mother";
            case "dad" -> "father";
            case "hubby" -> "husband";
            case "grandma", "granny" -> "grandmother";
            case "grandpa" -> "grandfather";
            case "fiancee", "fiancé", "fiancée" -> "fiance";
            case "neighbour" -> "neighbor";
            default -> r;
        };
        return ex ? "ex " + r : r;
    }

    /** "movies" → "movie", "cities" → "city", "series" stays. */
    private static String singular(String noun) {
        if (IE_NOUNS.contains(noun.substring(0, noun.length() - 1))) {
            return noun.substring(0, noun.length() - 1);
        }
        if (noun.endsWith("ies") && !noun.endsWith("series")) {
            return noun.substring(0, noun.length() - 3) + "y";
        }
        return noun.endsWith("s") && !noun.endsWith("ss") && !noun.endsWith("series") ? noun.substring(0,
                noun.length() - 1) : noun;
    }

    private static final Set<String> IE_NOUNS = Set.of("movie", "cookie", "smoothie", "zombie", "pie", "brownie",
            "hoodie", "rookie", "selfie", "indie");

    private static String name(String raw) {
        return WHITESPACE.matcher(lower(raw).strip()).replaceAll(" ");
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static int words(String s) {
        String t = s.strip();
        return t.isEmpty() ? 0 : WHITESPACE.split(t).length;
    }
}
