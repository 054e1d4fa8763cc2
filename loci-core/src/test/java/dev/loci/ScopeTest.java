package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScopeTest {

    /** Builds a scope with {@code value} in one part and valid values elsewhere. */
    static Stream<Arguments> parts() {
        return Stream.of(
                Arguments.of("scope.tenant", (Function<String, Scope>) v -> new Scope(v, "u", "a", "s")),
                Arguments.of("scope.userId", (Function<String, Scope>) v -> new Scope("t", v, "a", "s")),
                Arguments.of("scope.agentId", (Function<String, Scope>) v -> new Scope("t", "u", v, "s")),
                Arguments.of("scope.sessionId", (Function<String, Scope>) v -> new Scope("t", "u", "a", v)));
    }

    @Test
    void tenantIsRequired() {
        var e = assertThrows(InvalidInputException.class, () -> new Scope(null, "u", null, null));
        assertEquals("scope.tenant", e.field());
        assertTrue(e.getMessage().contains("required"), e.getMessage());
    }

    @Test
    void onlyTenantIsRequired() {
        var s = new Scope("t", null, null, null);
        assertNull(s.userId());
        assertNull(s.agentId());
        assertNull(s.sessionId());
    }

    @ParameterizedTest
    @MethodSource("parts")
    void blankPartIsRejectedByName(String field, Function<String, Scope> make) {
        for (String blank : List.of("", " ", "\t \n")) {
            var e = assertThrows(InvalidInputException.class, () -> make.apply(blank));
            assertEquals(field, e.field());
            assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("blank"), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("parts")
    void overlongPartNamesTheLimit(String field, Function<String, Scope> make) {
        String atLimit = "x".repeat(Scope.MAX_ID_LENGTH);
        make.apply(atLimit); // 256 is allowed
        var e = assertThrows(InvalidInputException.class, () -> make.apply(atLimit + "x"));
        assertEquals(field, e.field());
        assertTrue(e.getMessage().contains("257"), "says how long it was: " + e.getMessage());
        assertTrue(e.getMessage().contains("256"), "says the limit: " + e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("parts")
    void controlCharactersAreRejected(String field, Function<String, Scope> make) {
        for (String bad : List.of("a\u0000b", "line\nbreak", "del\u007f", "c1\u0085")) {
            var e = assertThrows(InvalidInputException.class, () -> make.apply(bad));
            assertEquals(field, e.field());
            assertTrue(e.getMessage().contains("control"), e.getMessage());
        }
    }

    @Test
    void unicodeIdsAreAccepted() {
        var s = new Scope("Mandant-ä", "用户", "agent 🤖", "séance");
        assertEquals("用户", s.userId());
        assertEquals("agent 🤖", s.agentId());
    }

    @Test
    void factoriesAndWithers() {
        assertEquals(new Scope("t", null, null, null), Scope.tenant("t"));
        assertEquals(new Scope("t", "u", null, null), Scope.user("t", "u"));
        assertEquals(new Scope("t", "u", null, "s"), Scope.user("t", "u").withSession("s"));
        assertEquals(new Scope("t", "u", "a", "s"), Scope.user("t", "u").withSession("s").withAgent("a"));
        var e = assertThrows(InvalidInputException.class, () -> Scope.user("t", "u").withSession(" "));
        assertEquals("scope.sessionId", e.field());
    }

    @Test
    void tenantCoversEverythingInItAndNothingOutside() {
        var t = Scope.tenant("t");
        assertTrue(t.covers(Scope.tenant("t")));
        assertTrue(t.covers(Scope.user("t", "u")));
        assertTrue(t.covers(new Scope("t", "u", "a", "s")));
        assertFalse(t.covers(Scope.tenant("t2")));
        assertFalse(t.covers(new Scope("t2", "u", "a", "s")));
        assertFalse(t.covers(Scope.tenant("T")), "tenant ids are case-sensitive");
    }

    @Test
    void narrowerScopeDoesNotCoverWiderOrSiblings() {
        var user = Scope.user("t", "u");
        var session = user.withSession("s1");
        assertTrue(user.covers(session));
        assertTrue(user.covers(user.withAgent("a")));
        assertFalse(session.covers(user), "a session scope must not see the user's other memories");
        assertFalse(user.covers(Scope.tenant("t")), "a user scope must not see tenant-wide memories");
        assertFalse(user.covers(Scope.user("t", "u2")));
        assertFalse(session.covers(user.withSession("s2")));
        assertFalse(user.withAgent("a").covers(user.withAgent("b")));
        assertTrue(new Scope("t", null, "a", null).covers(new Scope("t", "u9", "a", "s9")),
                "a null part matches anything even when a later part is set");
    }

    /** Random scopes from a small pool: covers is reflexive, transitive and agrees with its definition. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void coversIsAPartialOrderMatchingItsDefinition(long seed) {
        var random = new Random(seed);
        var scopes = new ArrayList<Scope>();
        for (int i = 0; i < 60; i++) {
            scopes.add(new Scope("t" + random.nextInt(2), pick(random, "u"), pick(random, "a"), pick(random, "s")));
        }
        int covered = 0;
        for (Scope a : scopes) {
            assertTrue(a.covers(a), "reflexive: " + a);
            for (Scope b : scopes) {
                boolean expected = a.tenant().equals(b.tenant())
                        && partCovers(a.userId(), b.userId())
                        && partCovers(a.agentId(), b.agentId())
                        && partCovers(a.sessionId(), b.sessionId());
                assertEquals(expected, a.covers(b), a + " covers " + b);
                if (expected) {
                    covered++;
                    if (b.covers(a)) {
                        assertEquals(a, b, "antisymmetric");
                    }
                    for (Scope c : scopes) {
                        if (b.covers(c)) {
                            assertTrue(a.covers(c), "transitive: " + a + " > " + b + " > " + c);
                        }
                    }
                }
            }
        }
        assertTrue(covered > scopes.size(), "the pool must contain non-trivial covering pairs");
    }

    private static boolean partCovers(String mine, String theirs) {
        return mine == null || mine.equals(theirs);
    }

    private static String pick(Random random, String prefix) {
        int n = random.nextInt(3);
        return n == 0 ? null : prefix + n;
    }

    @Test
    void toStringShowsOnlySetParts() {
        assertEquals("Scope[t]", Scope.tenant("t").toString());
        assertEquals("Scope[t, user=u, session=s]", Scope.user("t", "u").withSession("s").toString());
    }
}
