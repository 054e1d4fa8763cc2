package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The retention curve R(t) = exp(-t/S) and its strength S, pinned down number by number. */
class RetentionTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final double DAY = 86_400;
    private final Retention retention = new Retention(Duration.ofDays(10));

    private static Memory memory(Instant occurred, Instant recorded, double importance, Lifecycle life) {
        return Memory.builder().id("m").scope(Scope.tenant("t")).kind(Kind.TURN).text("text").occurredAt(occurred)
                .recordedAt(recorded).importance(importance).lifecycle(life).build();
    }

    @Test
    void freshMemoryIsFullyRetained() {
        assertEquals(1.0, Retention.retention(0, 1), 0);
        assertEquals(1.0, retention.at(memory(T0, T0, 0.5, Lifecycle.NONE), T0), 0);
    }

    @Test
    void decaysAsExpOfMinusTOverS() {
        assertEquals(Math.exp(-1), Retention.retention(10 * DAY, 10 * DAY), 1e-15);
        assertEquals(Math.exp(-0.25), Retention.retention(2.5 * DAY, 10 * DAY), 1e-15);
        assertEquals(Math.exp(-1), retention.at(memory(T0, T0, 0.5, Lifecycle.NONE), T0.plus(Duration.ofDays(10))),
                1e-12);
    }

    @Test
    void halfLifeIsSLn2() {
        double s = 7 * DAY;
        assertEquals(s * Math.log(2), Retention.halfLifeSeconds(s), 1e-9);
        assertEquals(0.5, Retention.retention(Retention.halfLifeSeconds(s), s), 1e-12);
    }

    /**
     * The trap in MemoryBank's published code: {@code exp(-t / 5*S)} parses as {@code exp(-(t/5)*S)},
     * under which a stronger memory fades faster. Here a larger S must always mean slower decay.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void strongerMemoriesDecaySlower(long seed) {
        var random = new Random(seed);
        for (int i = 0; i < 1000; i++) {
            double t = 1 + random.nextDouble() * 365 * DAY;
            double s1 = DAY + random.nextDouble() * 100 * DAY; // t/S stays where exp does not underflow
            double s2 = s1 * (1.001 + random.nextDouble() * 10);
            assertTrue(Retention.retention(t, s2) > Retention.retention(t, s1),
                    "S2 > S1 must retain more at t=" + t + ": S1=" + s1 + " S2=" + s2);
        }
        // The wrong precedence gets it backwards, which is what this test exists to catch.
        double t = 3; // days
        double weak = 1;
        double strong = 2;
        assertTrue(Math.exp(-t / 5 * strong) < Math.exp(-t / 5 * weak), "the buggy form decays the stronger faster");
        assertTrue(Retention.retention(t, strong) > Retention.retention(t, weak));
    }

    @Test
    void retentionFallsWithTime() {
        double s = 5 * DAY;
        double previous = 1.0;
        for (int day = 1; day <= 60; day++) {
            double r = Retention.retention(day * DAY, s);
            assertTrue(r < previous && r > 0, "day " + day);
            previous = r;
        }
    }

    @Test
    void strengthGrowsWithRecallsAndImportance() {
        double s0 = 10 * DAY;
        assertEquals(s0, retention.strengthSeconds(0, 0.5), 1e-6, "never recalled, importance 0.5: S = S0");
        assertEquals(2 * s0, retention.strengthSeconds(1, 0.5), 1e-6);
        assertEquals(4 * s0, retention.strengthSeconds(3, 0.5), 1e-6);
        assertEquals(0.5 * s0, retention.strengthSeconds(0, 0.0), 1e-6);
        assertEquals(1.5 * s0, retention.strengthSeconds(0, 1.0), 1e-6);
        assertEquals(3 * 1.5 * s0, retention.strengthSeconds(2, 1.0), 1e-6);
        Instant later = T0.plus(Duration.ofDays(20));
        double recalled = retention.at(memory(T0, T0, 0.5, new Lifecycle(3, T0, null, false, null, null)), later);
        double important = retention.at(memory(T0, T0, 1.0, Lifecycle.NONE), later);
        double plain = retention.at(memory(T0, T0, 0.5, Lifecycle.NONE), later);
        double minor = retention.at(memory(T0, T0, 0.0, Lifecycle.NONE), later);
        assertTrue(recalled > important && important > plain && plain > minor);
        assertEquals(Math.exp(-20.0 / 40), recalled, 1e-12);
    }

    /** Time counts from the last recall, else from when Loci recorded it: never from the event time. */
    @Test
    void timeCountsFromTheLastReinforcement() {
        Instant yearAgo = T0.minus(Duration.ofDays(365));
        Memory imported = memory(yearAgo, T0, 0.5, Lifecycle.NONE);
        assertEquals(1.0, retention.at(imported, T0), 0, "a year-old chat imported now is a fresh memory");
        assertEquals(T0, Retention.lastReinforced(imported));

        Instant recalledAt = T0.plus(Duration.ofDays(30));
        Memory recalled = memory(yearAgo, T0, 0.5, new Lifecycle(1, recalledAt, null, false, null, null));
        assertEquals(recalledAt, Retention.lastReinforced(recalled));
        assertEquals(Math.exp(-5.0 / 20), retention.at(recalled, recalledAt.plus(Duration.ofDays(5))), 1e-12);
        assertEquals(1.0, retention.at(recalled, T0), 0, "a moment before the last reinforcement counts as t = 0");
    }

    @Test
    void badArgumentsAreRefused() {
        var e = assertThrows(InvalidInputException.class, () -> new Retention(Duration.ZERO));
        assertEquals("config.forgetting.baseStrength", e.field());
        assertThrows(InvalidInputException.class, () -> new Retention(null));
        assertThrows(IllegalArgumentException.class, () -> Retention.retention(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> Retention.retention(1, 0));
        assertThrows(IllegalArgumentException.class, () -> Retention.retention(Double.NaN, 1));
    }
}
