package dev.loci.internal.facts.extract;

import static dev.loci.internal.facts.extract.AttributeVocabulary.AGE;
import static dev.loci.internal.facts.extract.AttributeVocabulary.BIRTHPLACE;
import static dev.loci.internal.facts.extract.AttributeVocabulary.DIET;
import static dev.loci.internal.facts.extract.AttributeVocabulary.EMPLOYER;
import static dev.loci.internal.facts.extract.AttributeVocabulary.JOB;
import static dev.loci.internal.facts.extract.AttributeVocabulary.LIKES;
import static dev.loci.internal.facts.extract.AttributeVocabulary.NAME;
import static dev.loci.internal.facts.extract.AttributeVocabulary.ORIGIN;
import static dev.loci.internal.facts.extract.AttributeVocabulary.PET;
import static dev.loci.internal.facts.extract.AttributeVocabulary.PLAN;
import static dev.loci.internal.facts.extract.AttributeVocabulary.RELATIONSHIP;
import static dev.loci.internal.facts.extract.AttributeVocabulary.RESIDENCE;
import static dev.loci.internal.facts.extract.AttributeVocabulary.SCHOOL;
import static dev.loci.internal.facts.extract.AttributeVocabulary.STUDY;

import dev.loci.spi.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The English predicate patterns of {@link PatternExtractor}: what follows a subject ("moved to
 * Denver", "am a nurse at Mercy", "quit my job") read as claims. Input is lower case, with
 * contractions expanded and clause negation ("not", "no longer", "used to") already removed by
 * the caller. Each rule is anchored at the start of the predicate, so "want to live in Paris"
 * never reads as "live in Paris". The first rule that yields a claim wins. Stateless.
 */
final class PredicatePatterns {
    /** A claim before it has a subject; {@code negated} is the predicate's own polarity ("quit", "hate"). */
    record Claim(String attribute, String value, boolean negated) {
    }

    private record Rule(Pattern pattern, Function<Matcher, List<Claim>> read) {
    }

    /** Adverbs that may sit between subject, auxiliary and verb without changing the claim. */
    static final String ADV = "(?:(?:now|currently|still|actually|also|really|just|finally|recently|officially|"
            + "happily|already|totally|definitely|mostly|both|all|even|kind of|sort of|pretty much|basically|"
            + "originally|permanently|full[- ]time|part[- ]time|remotely|again)\\s+)*";
    private static final String BE = "(?:am|is|are)\\s+" + ADV;
    private static final String PERFECT = "(?:(?:have|has)\\s+" + ADV + ")?";
    private static final String REST = "(?<v>.+)";
    private static final String SPECIES = "dogs?|puppy|puppies|cats?|kittens?|hamsters?|rabbits?|bunny|bunnies|"
            + "parrots?|birds?|fish|goldfish|turtles?|tortoises?|snakes?|lizards?|geckos?|horses?|ponies|pony|"
            + "guinea pigs?|ferrets?|chickens?";
    private static final Map<String, String> STATUS = Map.of("dating", "in a relationship",
            "seeing", "in a relationship", "in a relationship", "in a relationship", "taken", "in a relationship");
    private static final Set<String> NOT_JOBS = Set.of("mother", "father", "brother", "sister", "daughter", "lover",
            "member", "beginner", "fan", "person", "partner", "runner", "other", "believer", "winner", "loser", "user",
            "customer", "newcomer", "foreigner", "stranger", "introvert", "extrovert", "parent", "resident", "citizen",
            "patient", "client", "adolescent", "vegetarian", "vegan", "christian", "atheist", "optimist",
            "pessimist", "perfectionist", "morning person", "night owl", "grandmother", "grandfather", "mess");
    private static final Pattern JOB_WORD = Pattern.compile(
            ".*(?:er|or|ist|ian|ant|ent|eer|ect|ic|nurse|chef|pilot|vet|analyst|clerk|cook|agent|officer|assistant|"
            + "tutor|coach|barista|intern|teller|dentist|surgeon|paramedic|medic|attorney|executive|student)$");
    private static final Pattern SCHOOL_WORD = Pattern.compile(
            ".*\\b(?:university|college|school|academy|institute|polytechnic|conservatory|high)\\b.*");

    private static final List<Rule> RULES = List.of(
            // plans first, so "am going to move to Denver" is a plan, not a move
            rule("decided (?<n>not )?to " + REST, m -> plan(m.group("v"), m.group("n") != null)),
            rule(BE + "(?:going to|gonna|planning to|planning on|about to|thinking about|thinking of|hoping to|"
                    + "aiming to|intending to|looking to) " + REST, m -> plan(m.group("v"), false)),
            rule(BE + "(?:moving|relocating) (?:back )?to " + REST, m -> plan("move to " + m.group("v"), false)),
            rule(BE + "getting (?<v>married|divorced|engaged)", m -> plan("get " + m.group("v"), false)),
            rule("(?:plan|plans|intend|intends|hope|hopes) to " + REST, m -> plan(m.group("v"), false)),
            rule("will " + ADV + "(?<v>(?!be\\b).+)", m -> plan(m.group("v"), false)),
            // residence
            rule(PERFECT + ADV + "(?:moved|relocated) " + ADV + "(?:away )?from (?<old>.+?) to " + REST,
                    m -> both(place(RESIDENCE, m.group("v"), false), place(RESIDENCE, m.group("old"), true))),
            rule(PERFECT + ADV + "(?:moved|relocated) " + ADV + "(?:away from|out of) " + REST,
                    m -> place(RESIDENCE, m.group("v"), true)),
            rule(PERFECT + ADV + "(?:moved|relocated|settled) " + ADV + "(?:back )?(?:to|in|into|down in) " + REST,
                    m -> place(RESIDENCE, m.group("v"), false)),
            rule(PERFECT + ADV + "(?:moved|relocated)(?: house| again| recently)?\\W*$",
                    m -> one(RESIDENCE, Statement.UNSPECIFIED, false)),
            rule("(?:(?:am|is|are|have been|has been)\\s+" + ADV + ")?(?:live|lives|living|reside|resides|residing) "
                    + ADV + "in " + REST, m -> place(RESIDENCE, m.group("v"), false)),
            rule("(?:have|has) " + ADV + "(?:lived|resided) in " + REST, m -> place(RESIDENCE, m.group("v"), false)),
            rule(BE + "(?:based|settled) (?:in|out of) " + REST, m -> place(RESIDENCE, m.group("v"), false)),
            rule("call (?<v>.+?) home\\b", m -> place(RESIDENCE, m.group("v"), false)),
            // origin
            rule(BE + "(?:originally )?from " + REST, m -> place(ORIGIN, m.group("v"), false)),
            rule("(?:grew|grow|have grown) up in " + REST, m -> place(ORIGIN, m.group("v"), false)),
            rule("was (?:born and raised|raised) in " + REST, m -> place(ORIGIN, m.group("v"), false)),
            rule("was born in (?<v>(?!\\d).+)", m -> place(BIRTHPLACE, m.group("v"), false)),
            // work: losing a job, then having one
            rule(PERFECT + ADV + "(?:quit|left|resigned from|retired from|lost) (?:my|his|her|their|the|our) "
                    + "(?:old |current )?(?:job|position|role)(?: (?:at|with) " + REST + ")?",
                    m -> valueOrAny(EMPLOYER, m.group("v"), true)),
            rule(PERFECT + ADV + "(?:quit|resigned from|retired from) (?<v>(?!\\w+ing\\b).+)",
                    m -> valueOrAny(EMPLOYER, m.group("v"), true)),
            rule("(?:was|were|got|have been|has been|am|is) " + ADV + "(?:fired|laid off|let go|made redundant)"
                    + "(?: (?:from|by) " + REST + ")?", m -> valueOrAny(EMPLOYER, m.group("v"), true)),
            rule(PERFECT + ADV + "retired\\W*$", m -> one(EMPLOYER, Statement.UNSPECIFIED, true)),
            rule(BE + "(?:unemployed|between jobs|out of work|looking for (?:a )?work)",
                    m -> one(EMPLOYER, Statement.UNSPECIFIED, true)),
            rule("(?:(?:am|is|are|have been|has been)\\s+" + ADV + ")?(?:work|works|working) " + ADV
                    + "as (?:an? )?" + REST, m -> job(m.group("v"))),
            rule("(?:(?:am|is|are|have been|has been)\\s+" + ADV + ")?(?:work|works|working) " + ADV
                    + "(?:at|for) " + REST, m -> employer(m.group("v"))),
            rule(BE + "employed (?:at|by|with) " + REST, m -> employer(m.group("v"))),
            rule(PERFECT + ADV + "(?:got|gotten|landed|accepted|took|taken|started|start|began|have|has|found) "
                    + "(?:a |an |my |the )?(?:new |dream |first )?(?:job|position|role|gig)(?: (?<p>at|with|as) "
                    + REST + ")?", m -> m.group("v") == null ? one(EMPLOYER, Statement.UNSPECIFIED, false)
                    : m.group("p").equals("as") ? job(m.group("v")) : employer(m.group("v"))),
            rule(PERFECT + ADV + "(?:changed|switched) jobs\\b", m -> one(EMPLOYER, Statement.UNSPECIFIED, false)),
            rule(PERFECT + ADV + "(?:started|begun|began) (?:working )?(?:at|for) " + REST,
                    m -> employer(m.group("v"))),
            rule(PERFECT + ADV + "(?:became|become) an? " + REST, m -> jobIfJob(m.group("v"))),
            // relationship status
            rule(BE + "(?:happily )?(?<v>married|single|divorced|engaged|widowed|separated)\\b",
                    m -> one(RELATIONSHIP, m.group("v"), false)),
            rule(PERFECT + ADV + "(?:got|gotten) (?<v>married|divorced|engaged|separated)\\b",
                    m -> one(RELATIONSHIP, m.group("v"), false)),
            rule(BE + "(?<v>in a relationship|taken)\\b", m -> one(RELATIONSHIP, STATUS.get(m.group("v")), false)),
            rule("(?:(?:am|is|are|have been|has been)\\s+" + ADV + ")?(?:started |began )?(?<v>dating|seeing) .+",
                    m -> one(RELATIONSHIP, STATUS.get(m.group("v")), false)),
            rule(PERFECT + ADV + "(?:broke|broken|split) up\\b", m -> one(RELATIONSHIP, "single", false)),
            rule("(?:have|has) (?:got )?an? (?:new )?(?:boyfriend|girlfriend|partner)\\b",
                    m -> one(RELATIONSHIP, "in a relationship", false)),
            rule(PERFECT + ADV + "married (?!to\\b)\\w+", m -> one(RELATIONSHIP, "married", false)),
            // age, name, diet
            rule(BE + "(?<v>\\d{1,3})(?: (?:years?|yrs?)(?: old)?)?\\W*$", m -> one(AGE, m.group("v"), false)),
            rule(PERFECT + ADV + "turned (?<v>\\d{1,3})\\b", m -> one(AGE, m.group("v"), false)),
            rule("(?:am|is) (?:called|named) " + REST, m -> value(NAME, m.group("v"), false)),
            rule("go by " + REST, m -> value(NAME, m.group("v"), false)),
            rule(BE + "(?:an? )?(?:strict )?(?<v>vegetarian|vegan|pescatarian|pescetarian)\\b",
                    m -> one(DIET, m.group("v"), false)),
            // school
            rule(PERFECT + ADV + "(?:graduated|dropped out) (?:from|of) " + REST,
                    m -> value(SCHOOL, m.group("v"), true)),
            rule(PERFECT + ADV + "(?:transferred|switched) to " + REST, m -> school(m.group("v"))),
            rule(BE + "(?:an? )?(?:\\w+ )?(?:student|freshman|sophomore|junior|senior) at " + REST,
                    m -> value(SCHOOL, m.group("v"), false)),
            rule("(?:(?:am|is|are)\\s+" + ADV + ")?(?:go|goes|going|attend|attends|attending|enrolled) "
                    + "(?:to |at |in )?" + REST, m -> school(m.group("v"))),
            rule("(?:(?:am|is|are)\\s+" + ADV + ")?(?:study|studies|studying|majoring in|major in) (?<f>.+?)"
                    + "(?: at (?<s>.+))?$", m -> both(value(STUDY, m.group("f"), false),
                    m.group("s") == null ? List.of() : value(SCHOOL, m.group("s"), false))),
            // likes and dislikes (multi-valued)
            rule(BE + "(?:so |really |very )?into " + REST, m -> value(LIKES, m.group("v"), false)),
            rule(BE + "(?:an? )?(?:big |huge |massive |great )?fan of " + REST, m -> value(LIKES, m.group("v"), false)),
            rule(BE + "(?:so )?(?:over|tired of|sick of|done with) " + REST, m -> value(LIKES, m.group("v"), true)),
            rule("(?:have |has )?(?:gone off|got tired of|grown tired of) " + REST,
                    m -> value(LIKES, m.group("v"), true)),
            rule("(?:like|likes|liking|love|loves|loving|enjoy|enjoys|enjoying|adore|adores) " + REST,
                    m -> value(LIKES, m.group("v"), false)),
            rule("(?:hate|hates|dislike|dislikes|detest|detests|can not stand|cannot stand) " + REST,
                    m -> value(LIKES, m.group("v"), true)),
            // pets (multi-valued)
            rule("(?:have|has|got|adopted|rescued|own|owns|bought|brought home)(?: got)? (?:a|an|one|two|three|"
                    + "\\d+|another|some)(?: new| little| pet| rescue| baby)* (?<v>" + SPECIES + ")\\b",
                    m -> one(PET, species(m.group("v")), false)),
            rule("(?:have|has|own) (?:any )?pets?\\b", m -> one(PET, Statement.UNSPECIFIED, false)),
            // "am a nurse" last: the copula says the least
            rule(BE + "an? " + REST, m -> jobIfJob(m.group("v"))));

    private PredicatePatterns() {
    }

    /** The claims the predicate makes, or an empty list. */
    static List<Claim> read(String predicate) {
        for (Rule rule : RULES) {
            Matcher m = rule.pattern().matcher(predicate);
            if (m.lookingAt()) {
                List<Claim> claims = rule.read().apply(m);
                if (!claims.isEmpty()) {
                    return claims;
                }
            }
        }
        return List.of();
    }

    /** The singular species name: "puppies" → "dog", "kitten" → "cat". */
    static String species(String word) {
        return switch (word) {
            case "puppy", "puppies", "dogs" -> "dog";
            case "kitten", "kittens", "cats" -> "cat";
            case "bunny", "bunnies", "rabbits" -> "rabbit";
            case "pony", "ponies", "horses" -> "horse";
            default -> word.endsWith("s") && !word.endsWith("ss") && !word.equals("fish")
                    ? word.substring(0, word.length() - 1) : word;
        };
    }

    static boolean isSpecies(String word) {
        return word.matches(SPECIES);
    }

    private static Rule rule(String regex, Function<Matcher, List<Claim>> read) {
        return new Rule(Pattern.compile(regex), read);
    }

    private static List<Claim> one(String attribute, String value, boolean negated) {
        return List.of(new Claim(attribute, value, negated));
    }

    private static List<Claim> value(String attribute, String raw, boolean negated) {
        String v = ValueNormaliser.clean(raw);
        return v == null ? List.of() : one(attribute, v, negated);
    }

    private static List<Claim> valueOrAny(String attribute, String raw, boolean negated) {
        return raw == null ? one(attribute, Statement.UNSPECIFIED, negated) : value(attribute, raw, negated);
    }

    private static List<Claim> both(List<Claim> first, List<Claim> second) {
        List<Claim> out = new ArrayList<>(first);
        if (!first.isEmpty()) {
            out.addAll(second);
        }
        return out;
    }

    private static final Pattern HOME = Pattern.compile("^(?:(?:a|an|the|my|our) )?(?:(?:new|bigger|smaller|small|"
            + "big|tiny|little|nice|cozy|old|shared|lovely) )*(?:place|apartment|flat|house|home|condo|studio|loft)"
            + "(?: in (?<v>.+))?");

    /** A place, seen through "a new apartment in Denver"; none when only the dwelling is named. */
    private static List<Claim> place(String attribute, String raw, boolean negated) {
        Matcher home = HOME.matcher(raw);
        if (home.lookingAt()) {
            return home.group("v") == null ? List.of() : value(attribute, home.group("v"), negated);
        }
        return value(attribute, raw, negated);
    }

    /** "Mercy Hospital as a nurse": the employer, and the job when one follows. */
    private static List<Claim> employer(String raw) {
        String[] parts = raw.split(" as (?:an? )?", 2);
        return both(value(EMPLOYER, parts[0], false), parts.length == 2 ? job(parts[1]) : List.of());
    }

    /** "nurse at Mercy Hospital": the job, and the employer when one follows. */
    private static List<Claim> job(String raw) {
        String[] parts = raw.split(" (?:at|for) ", 2);
        return both(value(JOB, parts[0], false), parts.length == 2 ? value(EMPLOYER, parts[1], false) : List.of());
    }

    /** After a bare copula ("am a ..."): a job only when the noun looks like one. */
    private static List<Claim> jobIfJob(String raw) {
        String head = raw.split(" (?:at|for|in|who|and|but|with|from|of)\\b", 2)[0];
        String v = ValueNormaliser.clean(head);
        if (v == null || NOT_JOBS.contains(v) || NOT_JOBS.contains(last(v)) || !JOB_WORD.matcher(v).matches()) {
            return List.of();
        }
        if (last(v).equals("student")) {
            String[] at = raw.split(" at ", 2);
            return at.length == 2 ? value(SCHOOL, at[1], false) : one(JOB, v, false);
        }
        return job(raw);
    }

    private static List<Claim> school(String raw) {
        String v = ValueNormaliser.clean(raw);
        return v != null && SCHOOL_WORD.matcher(v).matches() ? one(SCHOOL, v, false) : List.of();
    }

    private static List<Claim> plan(String raw, boolean negated) {
        String v = ValueNormaliser.cleanPlan(raw);
        return v == null ? List.of() : one(PLAN, v, negated);
    }

    private static String last(String v) {
        return v.substring(v.lastIndexOf(' ') + 1);
    }
}
