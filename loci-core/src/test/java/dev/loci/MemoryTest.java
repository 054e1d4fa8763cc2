package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final Scope SCOPE = Scope.user("t", "u");

    private static Memory memory(int version, double importance) {
        return new Memory("m1", SCOPE, Kind.TURN, "text", "user", "Anna", T0, T0, T0, null, null, List.of(), null,
                List.of(), version, importance, Map.of());
    }

    private static Memory valid(Instant validFrom, Instant validTo) {
        return new Memory("m1", SCOPE, Kind.FACT, "text", null, null, T0, T0, validFrom, validTo, null, null, null,
                null, 1, 0.5, null);
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0})
    void versionBelowOneNamesTheField(int version) {
        var e = assertThrows(InvalidInputException.class, () -> memory(version, 0.5));
        assertEquals("memory.version", e.field());
        assertTrue(e.getMessage().contains(">= 1") && e.getMessage().contains("was " + version), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.001, 1.001, -1, 2, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void importanceOutsideUnitIntervalNamesTheRange(double importance) {
        var e = assertThrows(InvalidInputException.class, () -> memory(1, importance));
        assertEquals("memory.importance", e.field());
        assertTrue(e.getMessage().contains("[0, 1]"), "allowed range: " + e.getMessage());
        assertTrue(e.getMessage().contains("was " + importance), "offending value: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, 0.5, 1})
    void importanceBoundariesAreAccepted(double importance) {
        assertEquals(importance, memory(1, importance).importance());
        assertEquals(Integer.MAX_VALUE, memory(Integer.MAX_VALUE, importance).version());
    }

    @Test
    void requiredFieldsAreNamedWhenMissing() {
        var e = assertThrows(NullPointerException.class, () -> new Memory(null, SCOPE, Kind.TURN, "x", null, null,
                T0, T0, T0, null, null, null, null, null, 1, 0.5, null));
        assertEquals("id", e.getMessage());
        e = assertThrows(NullPointerException.class, () -> new Memory("m", null, Kind.TURN, "x", null, null,
                T0, T0, T0, null, null, null, null, null, 1, 0.5, null));
        assertEquals("scope", e.getMessage());
        e = assertThrows(NullPointerException.class, () -> new Memory("m", SCOPE, Kind.TURN, null, null, null,
                T0, T0, T0, null, null, null, null, null, 1, 0.5, null));
        assertEquals("text", e.getMessage());
        e = assertThrows(NullPointerException.class, () -> new Memory("m", SCOPE, Kind.TURN, "x", null, null,
                T0, null, T0, null, null, null, null, null, 1, 0.5, null));
        assertEquals("recordedAt", e.getMessage());
    }

    @Test
    void collectionsAreCopiedAndImmutable() {
        var sources = new ArrayList<>(List.of("c1"));
        var children = new ArrayList<>(List.of("k1", "k2"));
        var meta = new HashMap<>(Map.of("channel", "chat"));
        var m = new Memory("m", SCOPE, Kind.EPISODE, "x", null, null, T0, T0, T0, null, "c1", sources, null,
                children, 1, 0.5, meta);
        sources.add("c2");
        children.clear();
        meta.put("extra", "y");
        assertEquals(List.of("c1"), m.sourceIds());
        assertEquals(List.of("k1", "k2"), m.childIds());
        assertEquals(Map.of("channel", "chat"), m.metadata());
        assertThrows(UnsupportedOperationException.class, () -> m.sourceIds().add("z"));
        assertThrows(UnsupportedOperationException.class, () -> m.childIds().add("z"));
        assertThrows(UnsupportedOperationException.class, () -> m.metadata().put("z", "z"));
    }

    @Test
    void nullCollectionsBecomeEmpty() {
        var m = valid(T0, null);
        assertEquals(List.of(), m.sourceIds());
        assertEquals(List.of(), m.childIds());
        assertEquals(Map.of(), m.metadata());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void levelFollowsTheKind(Kind kind) {
        var m = new Memory("m", SCOPE, kind, "x", null, null, T0, T0, T0, null, null, null, null, null, 1, 0.5, null);
        assertEquals(kind.level(), m.level());
        int expected = switch (kind) {
            case TURN, CHUNK -> 0;
            case EPISODE, FACT, PROCEDURE -> 1;
            case SESSION, TOPIC -> 2;
            case PROFILE -> 3;
        };
        assertEquals(expected, m.level());
    }

    @Test
    void validAtIsHalfOpen() {
        var closed = valid(T0, T0.plusSeconds(100));
        assertFalse(closed.validAt(T0.minusNanos(1)));
        assertTrue(closed.validAt(T0));
        assertTrue(closed.validAt(T0.plusSeconds(99)));
        assertFalse(closed.validAt(T0.plusSeconds(100)));

        var open = valid(T0, null);
        assertFalse(open.validAt(T0.minusSeconds(1)));
        assertTrue(open.validAt(T0));
        assertTrue(open.validAt(Instant.MAX));
    }
}
