package dev.loci.eval;

import dev.loci.engine.LociEngine;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loci.Kind;
import dev.loci.Loci;
import dev.loci.Memory;
import dev.loci.Message;
import dev.loci.RecallQuery;
import dev.loci.Scope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TurnExpansionTest {
    private static final Scope SCOPE = Scope.user("acme", "maya");
    private static final Instant T = Instant.parse("2024-03-02T18:00:00Z");

    private final Map<String, Memory> byId = new HashMap<>();
    private final Function<String, Memory> lookup = byId::get;

    private Memory memory(String id, Kind kind, String clientId, List<String> childIds) {
        var m = new Memory(id, SCOPE, kind, "text of " + id, null, null, T, T, T, null, clientId, List.of(), null,
                childIds, 1, 0.5, Map.of());
        byId.put(id, m);
        return m;
    }

    private Memory turn(String clientId) {
        return memory("m-" + clientId, Kind.TURN, clientId, List.of());
    }

    private Memory episode(String id, Memory... turns) {
        return memory(id, Kind.EPISODE, null, List.of(turns).stream().map(Memory::id).toList());
    }

    @Test
    void anEpisodeSpendsOnePlacePerTurnItCovers() {
        Memory t1 = turn("t1");
        Memory t2 = turn("t2");
        Memory t3 = turn("t3");
        Memory t4 = turn("t4");
        List<Memory> ranked = List.of(episode("e1", t1, t2, t3), t4);
        assertEquals(List.of("t1", "t2"), TurnExpansion.turns(ranked, lookup, 2),
                "the direct hit at rank 2 falls outside k = 2 turns");
        assertEquals(List.of("t1", "t2", "t3", "t4"), TurnExpansion.turns(ranked, lookup, 10));
    }

    @Test
    void aTurnAlreadyListedIsNotCountedTwice() {
        Memory t1 = turn("t1");
        Memory t2 = turn("t2");
        Memory t3 = turn("t3");
        Memory t4 = turn("t4");
        List<Memory> ranked = List.of(episode("e1", t1, t2, t3), t2, episode("e2", t3, t4), t1, t4);
        assertEquals(List.of("t1", "t2", "t3", "t4"), TurnExpansion.turns(ranked, lookup, 4));
        assertEquals(List.of("t1", "t2", "t3", "t4"), TurnExpansion.turns(ranked, lookup, 10));
    }

    @Test
    void rankOrderComesFirstThenTheStoredOrderOfChildren() {
        Memory t1 = turn("t1");
        Memory t2 = turn("t2");
        Memory t3 = turn("t3");
        List<Memory> ranked = List.of(t2, episode("e1", t3, t1, t2));
        assertEquals(List.of("t2", "t3", "t1"), TurnExpansion.turns(ranked, lookup, 3));
    }

    @Test
    void higherLevelsAreFollowedDownToTurns() {
        Memory t1 = turn("t1");
        Memory t2 = turn("t2");
        Memory t3 = turn("t3");
        Memory e1 = episode("e1", t1, t2);
        Memory e2 = episode("e2", t3);
        Memory session = memory("s1", Kind.SESSION, null, List.of(e2.id(), e1.id()));
        assertEquals(List.of("t3", "t1", "t2"), TurnExpansion.turns(List.of(session), lookup, 5));
        assertEquals(List.of("t3", "t1"), TurnExpansion.turns(List.of(session), lookup, 2));
    }

    @Test
    void aTurnIsNamedByItsClientIdOrElseItsId() {
        Memory named = turn("D1:1");
        Memory anonymous = memory("m-9", Kind.TURN, null, List.of());
        assertEquals(List.of("D1:1", "m-9"), TurnExpansion.turns(List.of(named, anonymous), lookup, 5));
    }

    @Test
    void childrenThatCannotBeFoundAndEmptyGroupsContributeNothing() {
        Memory t1 = turn("t1");
        Memory gone = memory("e-gone", Kind.EPISODE, null, List.of("missing", t1.id()));
        Memory empty = memory("e-empty", Kind.EPISODE, null, List.of());
        Memory t2 = turn("t2");
        assertEquals(List.of("t1", "t2"), TurnExpansion.turns(List.of(empty, gone, t2), lookup, 5));
    }

    @Test
    void theCutIsInTurnsEvenForDirectHits() {
        List<Memory> ranked = List.of(turn("t1"), turn("t2"), turn("t3"));
        assertEquals(List.of("t1"), TurnExpansion.turns(ranked, lookup, 1));
        assertEquals(List.of(), TurnExpansion.turns(List.of(), lookup, 3));
    }

    @Test
    void episodesRecalledFromLociExpandToTheirTurnsClientIds() {
        try (LociEngine loci = Fixtures.fakes(1)) {
            var msgs = new ArrayList<Message>();
            List<String> texts = List.of("I finally signed up for violin lessons",
                    "The teacher is very strict about posture", "Every week we rehearse for a small concert");
            for (int i = 0; i < texts.size(); i++) {
                msgs.add(Message.of("Maya", texts.get(i), T.plusSeconds(i)).withClientId("m" + i));
            }
            loci.remember(SCOPE.withSession("music"), msgs);
            var results = loci.recall(SCOPE, RecallQuery.of("violin concert").withKinds(Set.of(Kind.EPISODE)))
                    .results();
            assertEquals(Kind.EPISODE, results.get(0).memory().kind());
            assertEquals(List.of("m0", "m1", "m2"), TurnExpansion.turns(loci, SCOPE, results, 10));
            assertEquals(List.of("m0", "m1"), TurnExpansion.turns(loci, SCOPE, results, 2));
        }
    }
}
