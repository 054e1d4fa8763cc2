package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.StoreHit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Versioned updates on a manual clock: the new text is current, the old one stays in history with
 * its validity interval and is what a recall as of an earlier moment finds; derived records follow.
 */
class UpdateTest {
    private static final Scope MAYA = Scope.user("acme", "maya").withSession("s1");
    private static final Instant T = Instant.parse("2024-03-02T18:00:00Z");

    private final Rig rig = Rig.create(1, LociConfig.defaults());
    private final Loci loci = rig.loci();

    private List<String> rememberThree() {
        return loci.remember(MAYA, List.of(
                Message.of("Maya", "My office is on the fourth floor near the elevators", T).withClientId("a"),
                Message.of("Maya", "I keep a small cactus on the windowsill", T.plusSeconds(1)).withClientId("b"),
                Message.of("Maya", "Lunch is usually a salad from the corner shop", T.plusSeconds(2)).withClientId("c")))
                .ids();
    }

    private List<String> recalledIds(RecallQuery q) {
        return loci.recall(MAYA, q).results().stream().map(r -> r.memory().id()).toList();
    }

    private Set<String> keyedWith(String word) {
        var hits = rig.store().search(new SearchRequest(SearchFilter.of(MAYA), word, null, 1000, 0));
        return Set.copyOf(hits.lexical().stream().map(StoreHit::id).toList());
    }

    @Test
    void updateMakesANewVersionAndKeepsTheOldInHistory() {
        String office = rememberThree().get(0);
        Instant before = rig.clock().instant();
        rig.clock().advance(Duration.ofDays(3));
        Instant updatedAt = rig.clock().instant();

        Memory now = loci.update(MAYA, office, "My office moved to the ninth floor by the terrace").orElseThrow();
        assertEquals(office, now.id(), "the memory keeps its id");
        assertEquals(2, now.version());
        assertEquals(updatedAt, now.validFrom());
        assertEquals(updatedAt, now.recordedAt());
        assertNull(now.validTo());
        assertEquals(now, loci.get(MAYA, office).orElseThrow());

        List<Memory> history = loci.history(MAYA, office);
        assertEquals(2, history.size());
        Memory old = history.get(0);
        assertEquals("My office is on the fourth floor near the elevators", old.text());
        assertEquals(1, old.version());
        assertEquals(before, old.recordedAt());
        assertEquals(updatedAt, old.validTo(), "the old version held until the update");
        assertEquals(now, history.get(1));
    }

    @Test
    void currentRecallSeesTheNewTextAndAsOfRecallTheOld() {
        String office = rememberThree().get(0);
        Instant asOfBefore = rig.clock().instant().plusSeconds(1);
        rig.clock().advance(Duration.ofDays(3));
        loci.update(MAYA, office, "My office moved to the ninth floor by the terrace");
        rig.clock().advance(Duration.ofDays(1));

        var fourth = RecallQuery.of("office fourth floor elevators");
        List<Recalled> current = loci.recall(MAYA, fourth).results();
        assertTrue(current.stream().noneMatch(r -> r.memory().text().contains("fourth")),
                "current recall never returns the replaced text: " + current);
        assertEquals(office, recalledIds(RecallQuery.of("office ninth floor terrace")).get(0));

        List<Recalled> past = loci.recall(MAYA, fourth.withAsOf(asOfBefore)).results();
        assertEquals("My office is on the fourth floor near the elevators", past.get(0).memory().text(),
                "as of before the update, the old version answers");
        assertTrue(past.stream().noneMatch(r -> r.memory().text().contains("ninth")),
                "nothing recorded after the as-of moment: " + past);
    }

    @Test
    void theEpisodeAndTheNextTurnsKeysFollowTheNewText() {
        List<String> ids = rememberThree();
        Memory episode = loci.get(MAYA, loci.get(MAYA, ids.get(0)).orElseThrow().parentId()).orElseThrow();
        assertTrue(keyedWith("elevators").contains(ids.get(1)), "the next turn is keyed with the first one");

        loci.update(MAYA, ids.get(0), "My office moved to the ninth floor by the terrace");

        Memory rebuilt = loci.get(MAYA, episode.id()).orElseThrow();
        assertEquals(episode.version() + 1, rebuilt.version(), "the episode was rebuilt");
        assertFalse(rebuilt.text().contains("elevators"), rebuilt.text());
        Set<String> stillKeyed = keyedWith("elevators");
        assertFalse(stillKeyed.contains(ids.get(1)), "the next turn was re-keyed: " + stillKeyed);
        assertFalse(stillKeyed.contains(ids.get(0)), "the memory itself is keyed with its new text");
        assertTrue(keyedWith("terrace").contains(ids.get(1)), "the next turn now quotes the new text");
    }

    @Test
    void updatesChainAndForgetRemovesEveryVersion() {
        String office = rememberThree().get(0);
        for (int floor = 5; floor <= 7; floor++) {
            rig.clock().advance(Duration.ofHours(1));
            loci.update(MAYA, office, "My office is now on floor " + floor);
        }
        List<Memory> history = loci.history(MAYA, office);
        assertEquals(List.of(1, 2, 3, 4), history.stream().map(Memory::version).toList());
        for (int i = 0; i + 1 < history.size(); i++) {
            assertEquals(history.get(i + 1).validFrom(), history.get(i).validTo(), "intervals meet at " + i);
        }

        assertTrue(loci.forget(MAYA, office));
        assertEquals(List.of(), loci.history(MAYA, office));
        assertEquals(0, rig.store().count(new SearchFilter(MAYA, Set.of(Kind.TURN), null, java.util.Map.of()))
                - 2, "only the two other turns are left");
    }

    @Test
    void sameTextChangesNothingAndUnknownIdIsEmpty() {
        String office = rememberThree().get(0);
        Memory before = loci.get(MAYA, office).orElseThrow();
        assertEquals(before, loci.update(MAYA, office, before.text()).orElseThrow());
        assertEquals(1, loci.history(MAYA, office).size());
        assertTrue(loci.update(MAYA, "no-such-id", "text").isEmpty());
        assertTrue(loci.update(Scope.user("acme", "ben"), office, "not yours").isEmpty(), "another user's memory");
        assertEquals(List.of(), loci.history(MAYA, "no-such-id"));
    }

    @Test
    void badUpdatesAreRefusedWithTheReason() {
        List<String> ids = rememberThree();
        String episode = loci.get(MAYA, ids.get(0)).orElseThrow().parentId();
        var blank = assertThrows(InvalidInputException.class, () -> loci.update(MAYA, ids.get(0), " "));
        assertTrue(blank.getMessage().contains("text"), blank.getMessage());
        var derived = assertThrows(InvalidInputException.class, () -> loci.update(MAYA, episode, "new summary"));
        assertTrue(derived.getMessage().contains("EPISODE"), derived.getMessage());
        loci.update(MAYA, ids.get(0), "My office moved to the ninth floor");
        String oldVersion = loci.history(MAYA, ids.get(0)).get(0).id();
        var stale = assertThrows(InvalidInputException.class, () -> loci.update(MAYA, oldVersion, "again"));
        assertTrue(stale.getMessage().contains("no longer current"), stale.getMessage());
        assertEquals(2, loci.history(MAYA, ids.get(0)).size(), "refused updates changed nothing");
    }
}
