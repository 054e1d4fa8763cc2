package dev.loci.internal.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.InvalidInputException;
import dev.loci.internal.facts.extract.AttributeVocabulary;
import dev.loci.internal.facts.extract.PatternExtractor;
import dev.loci.spi.Extractor;
import dev.loci.spi.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rule on hand-built statements, then on texts through the pattern extractor. */
class SupersessionTest {
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2024-06-01T00:00:00Z");
    private final Supersession rule = new Supersession(new PatternExtractor(), Supersession.Config.DEFAULTS);

    private static Statement says(String subject, String attribute, String value) {
        return AttributeVocabulary.statement(subject, attribute, value, false, "span");
    }

    private static Statement denies(String subject, String attribute, String value) {
        return AttributeVocabulary.statement(subject, attribute, value, true, "span");
    }

    @Test
    void aDifferentValueOfASingleValuedAttributeSupersedes() {
        Supersession.Decision d = rule.decide(says("ann", "residence", "boston"), says("ann", "residence", "denver"));
        assertTrue(d.supersedes());
        assertEquals("residence changed: boston -> denver", d.reason());
        assertEquals("boston", d.older().value());
        assertEquals("denver", d.newer().value());
    }

    @Test
    void needsTheSameSubjectAndAttribute() {
        assertEquals("different subjects (ann, ann/sister)", rule.decide(says("ann", "residence", "boston"),
                says("ann/sister", "residence", "denver")).reason());
        assertEquals("different attributes (origin, residence)", rule.decide(says("ann", "origin", "boston"),
                says("ann", "residence", "denver")).reason());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "boston|Boston.", "new york city|nyc", "new york|New York City", "acorn systems inc|Acorn Systems",
        "the lanterns|lanterns", "portland|portland oregon", "move to denver|moving to denver", "la|Los Angeles"})
    void theSameValueWrittenDifferentlyDoesNotSupersede(String older, String newer) {
        Supersession.Decision d = rule.decide(says("ann", "residence", older),
                says("ann", "residence", newer.toLowerCase(java.util.Locale.ROOT)));
        assertFalse(d.supersedes(), d.reason());
        assertTrue(d.reason().startsWith("same residence"), d.reason());
    }

    @Test
    void multiValuedAttributesAccumulate() {
        Supersession.Decision d = rule.decide(says("ann", "likes", "jazz"), says("ann", "likes", "rock"));
        assertFalse(d.supersedes());
        assertEquals("likes holds many values: jazz and rock accumulate", d.reason());
        assertFalse(rule.decide(says("ann", "family:sister", "clara"), says("ann", "family:sister", "bea")).supersedes());
        assertTrue(rule.decide(says("ann", "family:wife", "clara"), says("ann", "family:wife", "bea")).supersedes());
    }

    @Test
    void denyingTheOlderValueSupersedesEvenWhenMultiValued() {
        assertTrue(rule.decide(says("ann", "likes", "sushi"), denies("ann", "likes", "sushi")).supersedes());
        assertTrue(rule.decide(says("ann", "residence", "boston"), denies("ann", "residence", "boston")).supersedes());
        Supersession.Decision other = rule.decide(says("ann", "likes", "sushi"), denies("ann", "likes", "olives"));
        assertFalse(other.supersedes());
        assertEquals("newer denies a different likes (olives, older sushi)", other.reason());
    }

    @Test
    void denyingWithoutAValueClosesWhateverTheOlderSaid() {
        Supersession.Decision d = rule.decide(says("ann", "employer", "acme"), denies("ann", "employer", "*"));
        assertTrue(d.supersedes());
        assertEquals("newer denies any employer, older had acme", d.reason());
    }

    @Test
    void anOlderDenialIsClosedOnlyByReassertingItsValue() {
        assertTrue(rule.decide(denies("ann", "residence", "boston"), says("ann", "residence", "boston")).supersedes());
        Supersession.Decision d = rule.decide(denies("ann", "residence", "boston"), says("ann", "residence", "denver"));
        assertFalse(d.supersedes());
        assertEquals("older denied residence boston, newer asserts denver: consistent", d.reason());
        assertFalse(rule.decide(denies("ann", "residence", "boston"), denies("ann", "residence", "denver")).supersedes());
    }

    @Test
    void anOlderStatementWithoutValueIsNeverClosedByAValue() {
        assertFalse(rule.decide(says("ann", "employer", "*"), says("ann", "employer", "acme")).supersedes());
    }

    @Test
    void similarityDecidesOnlyWhenTheNewerNamesNoValue() {
        Statement older = says("ann", "employer", "acme");
        Statement newer = says("ann", "employer", "*");
        assertEquals("newer names no employer and no similarity was given", rule.decide(older, newer).reason());
        Supersession.Decision below = rule.decide(older, newer, 0.49);
        assertFalse(below.supersedes());
        assertEquals("newer names no employer; similarity 0.49 < 0.50", below.reason());
        Supersession.Decision at = rule.decide(older, newer, 0.5);
        assertTrue(at.supersedes());
        assertEquals("newer implies a new employer without naming it; similarity 0.50 >= 0.50", at.reason());
        // similarity never overrides the patterns
        assertFalse(rule.decide(says("ann", "likes", "jazz"), says("ann", "likes", "rock"), 1.0).supersedes());
        assertTrue(rule.decide(says("ann", "residence", "boston"), says("ann", "residence", "denver"), -1.0)
                .supersedes());
    }

    @Test
    void configuredThresholdIsUsed() {
        Supersession strict = new Supersession(new PatternExtractor(), new Supersession.Config(0.8));
        assertFalse(strict.decide(says("ann", "employer", "acme"), says("ann", "employer", "*"), 0.7).supersedes());
        assertTrue(strict.decide(says("ann", "employer", "acme"), says("ann", "employer", "*"), 0.8).supersedes());
    }

    @Test
    void rejectsBadSimilarityAndConfigNamingTheParameter() {
        Statement s = says("ann", "age", "30");
        InvalidInputException nan = assertThrows(InvalidInputException.class, () -> rule.decide(s, s, Double.NaN));
        assertEquals("similarity", nan.field());
        assertThrows(InvalidInputException.class, () -> rule.decide(s, s, 1.01));
        InvalidInputException config = assertThrows(InvalidInputException.class, () -> new Supersession.Config(2));
        assertEquals("minSimilarityForUnnamedValue", config.field());
        assertThrows(InvalidInputException.class, () -> new Supersession.Said(null, "ann", T0));
        assertThrows(InvalidInputException.class, () -> new Supersession.Said("hi", "ann", null));
    }

    @Test
    void decidesOnTextsWithAReason() {
        Supersession.Decision moved = rule.decide(new Supersession.Said("I live in Boston.", "Ann", T0),
                new Supersession.Said("I moved to Denver last month.", "Ann", T1));
        assertTrue(moved.supersedes());
        assertEquals("residence changed: boston -> denver", moved.reason());

        Supersession.Decision named = rule.decide(new Supersession.Said("Ann lives in Boston.", null, T0),
                new Supersession.Said("I moved to Denver.", "Ann", T1));
        assertTrue(named.supersedes(), "a third-person statement about the speaker is comparable");

        Supersession.Decision otherSpeaker = rule.decide(new Supersession.Said("I live in Boston.", "Ann", T0),
                new Supersession.Said("I moved to Denver.", "Bob", T1));
        assertFalse(otherSpeaker.supersedes());
        assertEquals("no statements share subject and attribute", otherSpeaker.reason());
        assertNull(otherSpeaker.older());
    }

    @Test
    void textsWithoutStatementsNeverSupersedeHoweverSimilar() {
        Supersession.Decision question = rule.decide(new Supersession.Said("I live in Boston.", "Ann", T0),
                new Supersession.Said("Do you live in Denver?", "Ann", T1), 0.99);
        assertFalse(question.supersedes());
        assertEquals("no statement in the newer text", question.reason());
    }

    @Test
    void unnamedChangeInATextUsesTheSimilarity() {
        Supersession.Said older = new Supersession.Said("I work at Fenwick Labs.", "Ann", T0);
        Supersession.Said newer = new Supersession.Said("I got a new job!", "Ann", T1);
        assertFalse(rule.decide(older, newer).supersedes());
        assertTrue(rule.decide(older, newer, 0.62).supersedes());
        assertFalse(rule.decide(older, newer, 0.31).supersedes());
    }

    @Test
    void usesWhateverExtractorItIsGiven() {
        Extractor fixed = (text, speaker, at) -> List.of(AttributeVocabulary.statement("ann", "age", text, false, text));
        Supersession custom = new Supersession(fixed, Supersession.Config.DEFAULTS);
        assertTrue(custom.decide(new Supersession.Said("30", null, T0), new Supersession.Said("31", null, T1))
                .supersedes());
    }
}
