package dev.loci.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.InvalidInputException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HaystackTest {
    private static LocomoDataset.Conversation conversation(String id, String a, String b, String... dates) {
        var sessions = new java.util.ArrayList<LocomoDataset.Session>();
        for (int i = 0; i < dates.length; i++) {
            sessions.add(new LocomoDataset.Session(i + 1, Instant.parse(dates[i]), List.of(
                    new LocomoDataset.Turn("D" + (i + 1) + ":1", a, "Hi " + b + ", it's " + a + "'s day.", null),
                    new LocomoDataset.Turn("D" + (i + 1) + ":2", b, "Thanks " + a + "!", "a photo of " + b))));
        }
        return new LocomoDataset.Conversation(id, sessions, List.of());
    }

    private final LocomoDataset.Conversation anna = conversation("c1", "Anna", "Ben",
            "2023-01-01T10:00:00Z", "2023-03-01T10:00:00Z");
    private final LocomoDataset.Conversation ravi = conversation("c2", "Ravi", "Sue", "2023-02-01T10:00:00Z");
    private final LocomoDataset.Conversation zoe = conversation("c3", "Zoe", "Anna", "2022-12-01T10:00:00Z");

    @Test
    void borrowedSessionsAreSpokenByThisConversationsPeopleInDateOrder() {
        List<Haystack.Placed> placed = Haystack.sessions(anna, List.of(anna, ravi, zoe), 1);
        assertEquals(List.of("session_1", "haystack_c2_session_1", "session_2"),
                placed.stream().map(Haystack.Placed::sessionId).toList());
        var borrowed = placed.get(1);
        assertEquals("haystack-c2-", borrowed.idPrefix());
        assertEquals(List.of("Anna", "Ben"), borrowed.session().turns().stream().map(LocomoDataset.Turn::speaker).toList());
        assertEquals("Hi Ben, it's Anna's day.", borrowed.session().turns().get(0).text());
        assertEquals("a photo of Ben", borrowed.session().turns().get(1).caption());
        assertEquals("", placed.get(0).idPrefix());
    }

    @Test
    void namesAreSwappedAllAtOnceAndOnlyAsWholeWords() {
        // zoe's first speaker becomes Anna and her second (Anna) becomes Ben: no double replacement
        Map<String, String> names = Haystack.names(zoe, anna);
        assertEquals(Map.of("Zoe", "Anna", "Anna", "Ben"), names);
        assertEquals("Anna met Ben; Annabel and Zoey stayed.", Haystack.replace("Zoe met Anna; Annabel and Zoey stayed.", names));
    }

    @Test
    void wrapsAroundItsPoolAndRefusesMoreThanThePoolHas() {
        assertEquals(List.of("haystack_c1_session_1", "haystack_c1_session_2", "haystack_c2_session_1", "session_1"),
                Haystack.sessions(zoe, List.of(anna, ravi, zoe), 2).stream().map(Haystack.Placed::sessionId).sorted().toList());
        var e = assertThrows(InvalidInputException.class, () -> Haystack.sessions(anna, List.of(anna, ravi), 2));
        assertTrue(e.getMessage().contains("--haystack"), e.getMessage());
    }

    @Test
    void borrowedTurnsNeverCarryAnEvidenceId() {
        var msgs = LocomoBenchmark.messages(Haystack.sessions(anna, List.of(anna, ravi), 1).get(1).session(), true,
                "haystack-c2-");
        assertEquals(List.of("haystack-c2-D1:1", "haystack-c2-D1:2"), msgs.stream().map(dev.loci.Message::clientId).toList());
        assertEquals("haystack-c2-D1:2", msgs.get(1).metadata().get("dia_id"));
    }
}
