package dev.loci.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Relative time expressions resolve against the turn's own timestamp (2023-05-08, a Monday). */
class DateKeysTest {
    private static final Instant MONDAY = Instant.parse("2023-05-08T13:56:00Z");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "We talked today|8 May 2023",
        "I went to the support group yesterday|7 May 2023",
        "See you tomorrow|9 May 2023",
        "I ran a race last Saturday|6 May 2023",
        "We are moving next Friday|12 May 2023",
        "I painted that two weeks ago|24 April 2023",
        "She started 3 days ago|5 May 2023",
        "Last week was hectic|1 May 2023",
        "We visited them last month|April 2023",
        "The trip is next month|June 2023",
        "We met a year ago|2022",
        "Next year we will travel|2024"})
    void resolves(String text, String expected) {
        String keys = DateKeys.keys(text, MONDAY);
        assertTrue(keys.contains(expected), text + " -> " + keys);
        assertTrue(keys.startsWith("8 May 2023"), "the turn's own date always comes first: " + keys);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "We moved in May 2023|true",
        "I went there yesterday|true",
        "Three weeks ago we sold the car|true",
        "See you next Friday|true",
        "Back in 2019 it was different|true",
        "It starts in may|true",
        "You may want to bring a coat|false",
        "The weather is lovely|false",
        "I counted 250 birds on the lake|false",
    })
    void tellsWhetherATextNamesATime(String text, boolean expected) {
        assertEquals(expected, DateKeys.mentionsTime(text), text);
    }

    private static final Instant ASKED = Instant.parse("2023-05-17T12:00:00Z"); // a Wednesday

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "What did I buy yesterday?|2023-05-16|2023-05-17",
        "Where did we go last weekend?|2023-05-13|2023-05-15",
        "What happened last week?|2023-05-08|2023-05-15",
        "Who called me last Friday?|2023-05-12|2023-05-13",
        "What did I do two weeks ago?|2023-04-29|2023-05-07",
        "What did I do 3 days ago?|2023-05-13|2023-05-16",
        "What did I cook last month?|2023-04-01|2023-05-01",
        "What happened in May 2022?|2022-05-01|2022-06-01",
        "What did she say on 7 March 2023?|2023-03-07|2023-03-08",
        "What did she say on March 7, 2023?|2023-03-07|2023-03-08",
        "Where did we travel in June?|2022-06-01|2022-07-01",
        "Where did we travel in April?|2023-04-01|2023-05-01",
        "What did I read in 2021?|2021-01-01|2022-01-01",
    })
    void resolvesThePeriodAQuestionNames(String question, String from, String to) {
        var periods = DateKeys.periods(question, ASKED);
        assertEquals(1, periods.size(), periods.toString());
        assertEquals(Instant.parse(from + "T00:00:00Z"), periods.get(0).from(), question);
        assertEquals(Instant.parse(to + "T00:00:00Z"), periods.get(0).to(), question);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "What is the name of my dog?",
        "You may want to check the oven",
        "How many books did I read?",
    })
    void aQuestionWithoutATimeNamesNoPeriod(String question) {
        assertEquals(List.of(), DateKeys.periods(question, ASKED));
    }

    /** Found by fuzzing: a count too big for an int made reading the question throw. */
    @org.junit.jupiter.api.Test
    void aHugeCountIsNotATimeExpression() {
        assertEquals(List.of(), DateKeys.periods("what happened 99999999999 days ago?", MONDAY));
        assertEquals(1, DateKeys.periods("what happened 9999 days ago?", MONDAY).size());
    }
}
