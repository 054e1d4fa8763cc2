package dev.loci.testkit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.TimeRange;
import dev.loci.internal.util.DateKeys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Seeded fuzzing of the time-expression reader ({@link DateKeys}: "last weekend", "two weeks
 * ago", "7 May 2023", ...) with mutated phrases and boundary moments: it answers every text,
 * never throws, and every period it gives runs forwards. (Here rather than in loci-core, whose
 * tests cannot use the testkit.)
 */
class TimeExpressionsFuzzTest {
    private static final List<String> PHRASES = List.of(
            "What did Maya do last weekend?", "two weeks ago we went to Lisbon", "yesterday and today",
            "in May 2023, on 7 May 2023, May 7th, 2023", "next month or next year", "since early March",
            "during 2022 or in 1999", "3 days ago, 10 years ago, a few months ago", "this morning tonight",
            "last Monday, next Friday", "on the 31st of February 2024", "99999999999 days ago");
    private static final List<Instant> MOMENTS = List.of(Instant.parse("2024-03-02T18:10:00Z"),
            Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2024-02-29T23:59:59Z"),
            Instant.parse("-9999-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59Z"), Instant.EPOCH);

    @Test
    void everyTextIsAnsweredAndEveryPeriodRunsForwards() {
        Mutator.run("time-expressions", 5_000,
                m -> m.mutate(PHRASES.get(m.random().nextInt(PHRASES.size())).getBytes(StandardCharsets.UTF_8)),
                (m, input) -> check(new String(input, StandardCharsets.UTF_8), MOMENTS.get(m.random().nextInt(MOMENTS.size()))));
    }

    /** The regression corpus (src/test/resources/fuzz-corpus/time-expressions), each text at every moment. */
    @TestFactory
    Stream<DynamicTest> corpus() {
        return FuzzCorpus.tests("time-expressions", input -> {
            String text = new String(input, StandardCharsets.UTF_8);
            for (Instant at : MOMENTS) {
                check(text, at);
            }
        });
    }

    private static void check(String text, Instant at) {
        DateKeys.mentionsTime(text);
        assertNotNull(DateKeys.keys(text, at));
        for (TimeRange r : DateKeys.periods(text, at)) {
            assertTrue(r.from() == null || r.to() == null || !r.to().isBefore(r.from()), r + " for " + text + " at " + at);
        }
    }
}
