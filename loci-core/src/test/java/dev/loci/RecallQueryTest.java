package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecallQueryTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    @Test
    void ofUsesDefaults() {
        var q = RecallQuery.of("where did Anna travel?");
        assertEquals("where did Anna travel?", q.text());
        assertEquals(RecallQuery.DEFAULT_K, q.k());
        assertEquals(10, q.k());
        assertEquals(Set.of(), q.kinds());
        assertNull(q.timeRange());
        assertEquals(Map.of(), q.metadata());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n  "})
    void blankTextIsRejected(String text) {
        var e = assertThrows(InvalidInputException.class, () -> RecallQuery.of(text));
        assertEquals("query.text", e.field());
        assertTrue(e.getMessage().contains("blank"), e.getMessage());
    }

    @Test
    void nullTextIsRejected() {
        var e = assertThrows(InvalidInputException.class, () -> new RecallQuery(null, 5, null, null, null));
        assertEquals("query.text", e.field());
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, RecallQuery.MAX_K + 1, Integer.MAX_VALUE})
    void kOutsideRangeNamesTheRange(int k) {
        var e = assertThrows(InvalidInputException.class, () -> RecallQuery.of("q").withK(k));
        assertEquals("query.k", e.field());
        assertTrue(e.getMessage().contains("1..1000"), "allowed range: " + e.getMessage());
        assertTrue(e.getMessage().contains("was " + k), "offending value: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 999, RecallQuery.MAX_K})
    void kInsideRangeIsAccepted(int k) {
        assertEquals(k, RecallQuery.of("q").withK(k).k());
    }

    @Test
    void withersKeepTheOtherFields() {
        var range = new TimeRange(T0, T0.plusSeconds(60));
        var q = RecallQuery.of("q").withK(3).withKinds(Set.of(Kind.FACT)).withTimeRange(range)
                .withMetadata(Map.of("channel", "email"));
        assertEquals(new RecallQuery("q", 3, Set.of(Kind.FACT), range, Map.of("channel", "email")), q);
        assertEquals(3, q.withKinds(Set.of()).k());
        assertEquals(range, q.withK(7).timeRange());
        assertEquals(Set.of(Kind.FACT), q.withMetadata(Map.of()).kinds());
        assertEquals(Map.of("channel", "email"), q.withTimeRange(null).metadata());
    }

    @Test
    void kindsAndMetadataAreCopiedAndImmutable() {
        var kinds = EnumSet.of(Kind.TURN);
        var meta = new HashMap<String, String>();
        meta.put("a", "1");
        var q = new RecallQuery("q", 5, kinds, null, meta);
        kinds.add(Kind.FACT);
        meta.put("b", "2");
        assertEquals(Set.of(Kind.TURN), q.kinds());
        assertEquals(Map.of("a", "1"), q.metadata());
        assertThrows(UnsupportedOperationException.class, () -> q.kinds().add(Kind.EPISODE));
        assertThrows(UnsupportedOperationException.class, () -> q.metadata().put("c", "3"));
    }

    @Test
    void nullKindsAndMetadataMeanNoFilter() {
        var q = new RecallQuery("q", 5, null, null, null);
        assertEquals(Set.of(), q.kinds());
        assertEquals(Map.of(), q.metadata());
    }

    @Test
    void timeRangeMustBeNonEmpty() {
        var e = assertThrows(InvalidInputException.class, () -> new TimeRange(T0, T0));
        assertEquals("timeRange", e.field());
        assertTrue(e.getMessage().contains(T0.toString()), e.getMessage());
        assertThrows(InvalidInputException.class, () -> new TimeRange(T0.plusSeconds(1), T0));
    }

    @Test
    void timeRangeIsHalfOpen() {
        var r = new TimeRange(T0, T0.plusSeconds(10));
        assertTrue(r.contains(T0));
        assertTrue(r.contains(T0.plusSeconds(9)));
        assertFalse(r.contains(T0.plusSeconds(10)));
        assertFalse(r.contains(T0.minusNanos(1)));
        assertTrue(new TimeRange(null, T0).contains(Instant.EPOCH));
        assertFalse(new TimeRange(null, T0).contains(T0));
        assertTrue(new TimeRange(T0, null).contains(Instant.MAX));
        assertTrue(new TimeRange(null, null).contains(T0));
    }
}
