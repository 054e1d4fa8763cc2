package dev.loci.internal.facts.extract;

import dev.loci.spi.Statement.Category;
import dev.loci.spi.Statement;
import java.util.Set;

/**
 * The attribute vocabulary of {@link PatternExtractor} (listed on {@link Statement}): which
 * category each attribute belongs to and whether it holds one value at a time. Stateless.
 */
public final class AttributeVocabulary {
    static final String RESIDENCE = "residence";
    static final String ORIGIN = "origin";
    static final String BIRTHPLACE = "birthplace";
    static final String NAME = "name";
    static final String AGE = "age";
    static final String JOB = "job";
    static final String EMPLOYER = "employer";
    static final String SCHOOL = "school";
    static final String STUDY = "study";
    static final String DIET = "diet";
    static final String RELATIONSHIP = "relationship";
    static final String LIKES = "likes";
    static final String PET = "pet";
    static final String PLAN = "plan";

    private static final Set<String> IDENTITY = Set.of(RESIDENCE, ORIGIN, BIRTHPLACE, NAME, AGE, JOB, EMPLOYER,
            SCHOOL, STUDY, DIET);
    /** Roles a person has one of at a time; other roles (sister, friend, cousin) accumulate. */
    private static final Set<String> SINGLE_ROLES = Set.of("wife", "husband", "spouse", "partner", "boyfriend",
            "girlfriend", "fiance", "boss", "manager", "best friend");
    /** Kin and partners ({@code family:<role>}); every other role is {@code relation:<role>}. */
    private static final Set<String> KIN = Set.of("mother", "father", "parents", "sister", "brother", "son",
            "daughter", "kids", "children", "wife", "husband", "spouse", "partner", "boyfriend", "girlfriend",
            "fiance", "grandmother", "grandfather", "grandparents", "aunt", "uncle", "cousin", "niece", "nephew",
            "twin", "stepmother", "stepfather", "stepson", "stepdaughter", "stepsister", "stepbrother");

    private AttributeVocabulary() {
    }

    /** The attribute naming {@code role} in the speaker's circle: {@code family:sister}, {@code relation:boss}. */
    static String role(String role) {
        return (KIN.contains(role) ? "family:" : "relation:") + role;
    }

    static Category category(String attribute) {
        if (IDENTITY.contains(attribute)) {
            return Category.IDENTITY;
        }
        if (attribute.equals(RELATIONSHIP) || attribute.startsWith("family:") || attribute.startsWith("relation:")) {
            return Category.RELATION;
        }
        return attribute.equals(PLAN) ? Category.PLAN : Category.PREFERENCE;
    }

    static boolean singleValued(String attribute) {
        if (attribute.startsWith("family:") || attribute.startsWith("relation:")) {
            return SINGLE_ROLES.contains(attribute.substring(attribute.indexOf(':') + 1));
        }
        return !attribute.equals(LIKES) && !attribute.equals(PET) && !attribute.equals(PLAN);
    }

    public static Statement statement(String subject, String attribute, String value, boolean negated, String span) {
        return new Statement(subject, attribute, value, category(attribute), singleValued(attribute), negated, span);
    }
}
