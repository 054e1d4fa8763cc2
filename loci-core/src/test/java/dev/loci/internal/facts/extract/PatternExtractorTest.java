package dev.loci.internal.facts.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.InvalidInputException;
import dev.loci.spi.Statement.Category;
import dev.loci.spi.Statement;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each pattern family, written as {@code subject|attribute|value} (with {@code |not} when negated)
 * for every statement the text gives, joined by {@code ;}. The speaker is Caroline.
 */
class PatternExtractorTest {
    private static final Instant AT = Instant.parse("2024-03-01T10:00:00Z");
    private final PatternExtractor extractor = new PatternExtractor();

    private String read(String text) {
        return render(extractor.extract(text, "Caroline", AT));
    }

    private static String render(List<Statement> statements) {
        return statements.stream()
                .map(s -> s.subject() + "|" + s.attribute() + "|" + s.value() + (s.negated() ? "|not" : ""))
                .collect(Collectors.joining(";"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
        "I live in Boston.#caroline|residence|boston",
        "We moved to Denver last month.#caroline|residence|denver",
        "I've relocated to Austin for good.#caroline|residence|austin",
        "I'm based in Lisbon.#caroline|residence|lisbon",
        "I'm currently living in Porto, Portugal.#caroline|residence|porto",
        "I moved into a new apartment in Leeds.#caroline|residence|leeds",
        "We call Brooklyn home.#caroline|residence|brooklyn",
        "I moved from Madrid to Valencia.#caroline|residence|valencia;caroline|residence|madrid|not",
        "We finally moved!#caroline|residence|*",
        "I'm originally from Ohio.#caroline|origin|ohio",
        "I grew up in Manila.#caroline|origin|manila",
        "I was born in Cork.#caroline|birthplace|cork"})
    void residenceAndOrigin(String text, String expected) {
        assertEquals(expected, read(text), text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
        "I work at Brightline Logistics.#caroline|employer|brightline logistics",
        "I work for Marlow Insurance as an underwriter.#caroline|employer|marlow insurance;caroline|job|underwriter",
        "I work as a paramedic.#caroline|job|paramedic",
        "I'm a nurse at St. Agnes Hospital.#caroline|job|nurse;caroline|employer|st. agnes hospital",
        "I'm a data analyst.#caroline|job|data analyst",
        "I started a new job at Oakridge Bank.#caroline|employer|oakridge bank",
        "I got a new job!#caroline|employer|*",
        "I became a product manager.#caroline|job|product manager",
        "My job is bookkeeping.#caroline|job|bookkeeping",
        "I quit my job at Halvorsen.#caroline|employer|halvorsen|not",
        "I quit my job.#caroline|employer|*|not",
        "I was laid off from Riverside Clinic.#caroline|employer|riverside clinic|not",
        "I used to work at Calder Motors.#caroline|employer|calder motors|not"})
    void work(String text, String expected) {
        assertEquals(expected, read(text), text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
        "I'm married.#caroline|relationship|married",
        "I got engaged!#caroline|relationship|engaged",
        "I'm single again.#caroline|relationship|single",
        "I'm divorced.#caroline|relationship|divorced",
        "I'm dating a guy from work.#caroline|relationship|in a relationship",
        "I have a girlfriend.#caroline|relationship|in a relationship",
        "I broke up with Sam.#caroline|relationship|single",
        "I'm not married.#caroline|relationship|married|not",
        "My sister is Clara.#caroline|family:sister|clara",
        "My mom's name is Rosa.#caroline|family:mother|rosa",
        "My boss is Karen.#caroline|relation:boss|karen",
        "Maya is my best friend.#caroline|relation:best friend|maya"})
    void relations(String text, String expected) {
        assertEquals(expected, read(text), text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
        "I'm 34.#caroline|age|34",
        "I am 41 years old.#caroline|age|41",
        "I just turned 30.#caroline|age|30",
        "My name is Ana Silva.#caroline|name|ana silva",
        "I'm vegan.#caroline|diet|vegan",
        "I study biology at Westfield University.#caroline|study|biology;caroline|school|westfield university",
        "I'm a student at Harlow College.#caroline|school|harlow college",
        "I go to Lakeside Community College.#caroline|school|lakeside community college",
        "I graduated from Harlow College.#caroline|school|harlow college|not"})
    void identity(String text, String expected) {
        assertEquals(expected, read(text), text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
        "My favorite color is green.#caroline|favorite:color|green",
        "My favourite movies are thrillers.#caroline|favorite:movie|thrillers",
        "My favorite food these days is tacos.#caroline|favorite:food|tacos",
        "Winter is my favorite season.#caroline|favorite:season|winter",
        "Ramen is no longer my favorite food.#caroline|favorite:food|ramen|not",
        "My favorite band used to be The Lanterns.#caroline|favorite:band|lanterns|not",
        "I love sushi.#caroline|likes|sushi",
        "I'm really into jazz.#caroline|likes|jazz",
        "I'm a big fan of country music.#caroline|likes|country music",
        "I hate olives.#caroline|likes|olives|not",
        "I can't stand horror movies.#caroline|likes|horror movies|not",
        "I don't like sushi anymore.#caroline|likes|sushi|not",
        "I've stopped enjoying running.#caroline|likes|running|not",
        "I have a dog named Biscuit.#caroline|pet|dog",
        "We adopted two kittens.#caroline|pet|cat",
        "My dog Rex passed away.#caroline|pet|dog|not",
        "I don't have any pets.#caroline|pet|*|not"})
    void preferences(String text, String expected) {
        assertEquals(expected, read(text), text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
        "I'm going to visit Athens next month.#caroline|plan|visit athens",
        "I'm planning to move to Denver.#caroline|plan|move to denver",
        "I'm moving to Denver in May.#caroline|plan|move to denver",
        "I will start a pottery class.#caroline|plan|start a pottery class",
        "I decided not to study abroad.#caroline|plan|study abroad|not",
        "I'm not going to sell the house after all.#caroline|plan|sell the house|not"})
    void plans(String text, String expected) {
        assertEquals(expected, read(text), text);
        assertEquals(Category.PLAN, extractor.extract(text, "Caroline", AT).get(0).category());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
        "Caroline lives in Boston.#caroline|residence|boston",
        "Mark works at Acme Tools.#mark|employer|acme tools",
        "My sister lives in Miami.#caroline/sister|residence|miami",
        "My brother quit his job at Delmar Foods.#caroline/brother|employer|delmar foods|not",
        "My daughter's favorite color is pink.#caroline/daughter|favorite:color|pink",
        "My sister Anna lives in Rome.#caroline|family:sister|anna;anna|residence|rome",
        "Priya and I got married.#caroline|relationship|married",
        "Last week I relocated to Vancouver.#caroline|residence|vancouver",
        "Oh, and I moved to Reno.#caroline|residence|reno"})
    void subjects(String text, String expected) {
        assertEquals(expected, read(text), text);
    }

    @Test
    void firstPersonWithoutSpeakerIsSelfAndNamesAreComparable() {
        assertEquals("self|residence|boston", render(extractor.extract("I live in Boston", null, AT)));
        assertEquals("self/sister|residence|boston", render(extractor.extract("My sister lives in Boston", " ", AT)));
        assertEquals(render(extractor.extract("Caroline lives in Boston", null, AT)),
                render(extractor.extract("I live in Boston", "  Caroline ", AT)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Do you live in Denver?", "Are you still working at Acme?", "What's your favorite color?",
        "where do you live", "Should I move to Denver?", "If I lived in Sydney I'd surf every day.",
        "I wish I lived in Denver.", "I might move to Denver next year.", "I want to live in Paris.",
        "I lived in Boston for five years.", "When I was a kid I lived in Memphis.",
        "My friend told me she moved to Denver.", "She moved to Edinburgh.", "You live in Denver, right?",
        "I'm in Denver for a conference.", "I work in Denver.", "I love it.", "The weather is lovely.", "", "   "})
    void givesNothingForQuestionsWishesHistoryAndOthers(String text) {
        assertEquals("", read(text), text);
    }

    @Test
    void readsEveryClauseAndKeepsTheSpanAsWritten() {
        List<Statement> s = extractor.extract("I moved to Denver, and I work at Acme now. Do you?", "Caroline", AT);
        assertEquals("caroline|residence|denver;caroline|employer|acme", render(s));
        assertEquals("I moved to Denver", s.get(0).span());
        assertEquals("I work at Acme now.", s.get(1).span());
        assertEquals(Category.IDENTITY, s.get(0).category());
        assertTrue(s.get(0).singleValued());
    }

    @Test
    void categoriesAndValuedness() {
        Statement likes = extractor.extract("I like jazz", null, AT).get(0);
        assertEquals(Category.PREFERENCE, likes.category());
        assertTrue(!likes.singleValued());
        Statement sister = extractor.extract("My sister is Clara", null, AT).get(0);
        assertEquals(Category.RELATION, sister.category());
        assertTrue(!sister.singleValued(), "a person can have several sisters");
        assertTrue(extractor.extract("My wife is Clara", null, AT).get(0).singleValued());
    }

    @Test
    void rejectsMissingInputNamingTheParameter() {
        InvalidInputException text = assertThrows(InvalidInputException.class, () -> extractor.extract(null, "a", AT));
        assertEquals("text", text.field());
        InvalidInputException at = assertThrows(InvalidInputException.class, () -> extractor.extract("hi", "a", null));
        assertEquals("at", at.field());
    }

    @Test
    void statementValidatesItsFields() {
        IllegalArgumentException upper = assertThrows(IllegalArgumentException.class,
                () -> new Statement("Caroline", "residence", "boston", Category.IDENTITY, true, false, "x"));
        assertTrue(upper.getMessage().startsWith("subject must be non-blank, lower case"), upper.getMessage());
        IllegalArgumentException attribute = assertThrows(IllegalArgumentException.class,
                () -> new Statement("caroline", "Home Town!", "boston", Category.IDENTITY, true, false, "x"));
        assertTrue(attribute.getMessage().contains("attribute must be lower-case letters"), attribute.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Statement("caroline", "residence", " ", Category.IDENTITY, true, false, "x"));
        assertThrows(IllegalArgumentException.class,
                () -> new Statement("caroline", "residence", "boston", Category.IDENTITY, true, false, ""));
        assertThrows(NullPointerException.class,
                () -> new Statement("caroline", "residence", "boston", null, true, false, "x"));
        new Statement("caroline", "favorite:tv show", "the wire", Category.PREFERENCE, true, false, "x");
    }
}
