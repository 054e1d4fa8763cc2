package dev.loci.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
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
}
