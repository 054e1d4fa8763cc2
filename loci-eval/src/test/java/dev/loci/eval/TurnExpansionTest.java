package dev.loci.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A unit larger than a turn is scored as the turns it covers, cut at k turns. */
class TurnExpansionTest {
    private static final Scope SCOPE = Scope.user("t", "u");
    private static final Instant T = Instant.parse("2023-03-01T10:00:00Z");
    private final Map<String, Memory> byId = new HashMap<>();

    private Memory turn(String id) {
        Memory m = new Memory(id, SCOPE, Kind.TURN, "text " + id, null, "A", T, T, T, null, "c-" + id, List.of(), null,
                List.of(), 1, 0.5, Map.of());
        byId.put(id, m);
        return m;
    }

    private Memory episode(String id, String... children) {
        Memory m = new Memory(id, SCOPE, Kind.EPISODE, "summary", null, null, T, T, T, null, null, List.of(), null,
                List.of(children), 1, 0.5, Map.of());
        byId.put(id, m);
        return m;
    }

    @Test
    void anEpisodeFillsAsManyPlacesAsItHasTurns() {
        turn("t1");
        turn("t2");
        turn("t3");
        Memory hit = turn("t9");
        Memory e = episode("e", "t1", "t2", "t3");
        assertEquals(List.of("c-t1", "c-t2"), TurnExpansion.turns(List.of(e, hit), byId::get, 2),
                "the episode's first two turns take both places; the direct hit after it is cut");
        assertEquals(List.of("c-t1", "c-t2", "c-t3", "c-t9"), TurnExpansion.turns(List.of(e, hit), byId::get, 10));
    }

    @Test
    void aTurnAlreadyCountedTakesNoSecondPlace() {
        Memory t2 = turn("t2");
        turn("t1");
        turn("t3");
        Memory e = episode("e", "t1", "t2", "t3");
        assertEquals(List.of("c-t2", "c-t1", "c-t3"), TurnExpansion.turns(List.of(t2, e), byId::get, 3),
                "order kept: the direct hit first, then the episode's other turns in order");
    }

    @Test
    void nestedLevelsExpandDownToTurns() {
        turn("t1");
        turn("t2");
        turn("t3");
        episode("e1", "t1", "t2");
        episode("e2", "t3");
        Memory session = new Memory("s", SCOPE, Kind.SESSION, "session", null, null, T, T, T, null, null, List.of(),
                null, List.of("e1", "e2"), 1, 0.5, Map.of());
        assertEquals(List.of("c-t1", "c-t2", "c-t3"), TurnExpansion.turns(List.of(session), byId::get, 5));
    }
}
