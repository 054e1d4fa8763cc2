package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.engine.LociEngine;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.PausingSharedStore;
import dev.loci.testkit.SharedInMemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Forgets and updates over a shared store: two servers change turns of the same episode at the
 * same moment, each rebuilding it from its own view. Server A is stopped just before it writes its
 * rebuilt episode while server B forgets another turn of that episode to the end; A's write is
 * then refused, A reads the episode again and rebuilds it. No forgotten turn comes back, and the
 * episode holds exactly the turns that remain.
 */
class SharedForgetTest {
    private static final Scope S1 = new Scope("acme", "maya", null, "s1");
    private static final Instant T = Instant.parse("2024-06-01T09:00:00Z");
    private static final List<String> SAID = List.of(
            "I signed up for violin lessons at the music school",
            "The violin teacher is strict about posture and bowing",
            "Every week the violin class rehearses for a concert",
            "My violin needs new strings before the concert",
            "The concert hall has good acoustics for the violin");

    @Test
    void twoForgetsOfOneEpisodeAtOnceLeaveNeitherTurnInIt() {
        var shared = new SharedInMemoryStore();
        List<String> turns = rememberedEpisode(shared);
        String first = turns.get(0);
        String second = turns.get(1);
        int conflicts;
        try (var b = engine(shared)) {
            var pausing = new PausingSharedStore<>(shared, Kind.EPISODE, () -> assertTrue(b.forget(S1, second)));
            try (var a = engine(pausing)) {
                assertTrue(a.forget(S1, first));
            }
            assertTrue(pausing.paused, "server A stopped before writing the rebuilt episode and server B ran");
            conflicts = pausing.conflicts.get();
        }
        assertTrue(shared.get("acme", first).isEmpty(), "the turn A forgot is gone");
        assertTrue(shared.get("acme", second).isEmpty(), "the turn B forgot is not written back by A's repair");
        assertEquals(turns.subList(2, turns.size()), episodeChildren(shared), "the episode holds the rest only");
        assertTrue(conflicts > 0, "server A's episode write was refused");
    }

    @Test
    void anUpdateAndAForgetOfOneEpisodeAtOnceKeepBoth() {
        var shared = new SharedInMemoryStore();
        List<String> turns = rememberedEpisode(shared);
        String first = turns.get(0);
        String second = turns.get(1);
        int conflicts;
        try (var b = engine(shared)) {
            var pausing = new PausingSharedStore<>(shared, Kind.EPISODE, () -> assertTrue(b.forget(S1, second)));
            try (var a = engine(pausing)) {
                assertTrue(a.update(S1, first, "I signed up for cello lessons instead").isPresent());
            }
            assertTrue(pausing.paused, "server A stopped before writing the rebuilt episode and server B ran");
            conflicts = pausing.conflicts.get();
        }
        assertTrue(shared.get("acme", second).isEmpty(), "the turn B forgot is not written back by A's repair");
        assertEquals("I signed up for cello lessons instead", shared.get("acme", first).orElseThrow().text());
        List<String> rest = new ArrayList<>(turns);
        rest.remove(second);
        assertEquals(rest, episodeChildren(shared), "the episode holds the updated turn and the rest");
        Memory episode = episodes(shared).get(0);
        assertTrue(episode.version() > 2, "rebuilt by both servers, one after the other: v" + episode.version());
        assertTrue(conflicts > 0, "server A's episode write was refused");
    }

    @Test
    void twoUpdatesOfOneTurnAtOnceAreBothKeptInItsHistory() {
        var shared = new SharedInMemoryStore();
        String first = rememberedEpisode(shared).get(0);
        try (var b = engine(shared)) {
            var pausing = new PausingSharedStore<>(shared, Kind.TURN, () -> b.update(S1, first, "I signed up for piano lessons"));
            try (var a = engine(pausing)) {
                assertTrue(a.update(S1, first, "I signed up for cello lessons").isPresent());
            }
            assertTrue(pausing.paused);
            List<Memory> history = b.history(S1, first);
            assertEquals(List.of(SAID.get(0), "I signed up for piano lessons", "I signed up for cello lessons"),
                    history.stream().map(Memory::text).toList(), "A's update applies over B's, none is lost");
            assertEquals(List.of(1, 2, 3), history.stream().map(Memory::version).toList());
        }
    }

    /**
     * Server A forgets a turn and rebuilds the session node over the rebuilt episode; before it
     * writes the node, server B adds a new episode to the session (and the node). A's node write is
     * refused, and A rebuilds the node from what it then holds: the node keeps B's episode.
     */
    @Test
    void aSessionRebuiltAfterAForgetKeepsAnEpisodeAnotherServerAddedMeanwhile() {
        var shared = new SharedInMemoryStore();
        String first = rememberedEpisode(shared).get(0);
        int conflicts;
        try (var b = engine(shared)) {
            var pausing = new PausingSharedStore<>(shared, Kind.SESSION, () -> {
                List<Message> more = List.of(
                        new Message("user", "Maya", "We are planning a trip to the mountains", T.plusSeconds(3600), "n0", null),
                        new Message("user", "Maya", "The mountain hut needs a booking in advance", T.plusSeconds(3630), "n1", null));
                b.remember(S1, more);
                assertTrue(b.awaitConsolidation(Duration.ofSeconds(30)));
            });
            try (var a = engine(pausing)) {
                assertTrue(a.forget(S1, first));
                assertTrue(a.awaitConsolidation(Duration.ofSeconds(30)));
            }
            assertTrue(pausing.paused, "server A stopped before writing the session node and server B ran");
            conflicts = pausing.conflicts.get();
        }
        List<Memory> episodes = episodes(shared);
        assertEquals(2, episodes.size(), "the rebuilt episode and B's new one: " + episodes);
        List<Memory> sessions = shared.list(new SearchFilter(S1, Set.of(Kind.SESSION), null, Map.of()), 10);
        assertEquals(1, sessions.size());
        assertEquals(Set.copyOf(episodes.stream().map(Memory::id).toList()), Set.copyOf(sessions.get(0).childIds()),
                "the session node holds both episodes");
        var inTopics = new ArrayList<String>();
        shared.list(new SearchFilter(Scope.user("acme", "maya"), Set.of(Kind.TOPIC), null, Map.of()), 100)
                .forEach(t -> inTopics.addAll(t.childIds()));
        assertEquals(Set.copyOf(episodes.stream().map(Memory::id).toList()), Set.copyOf(inTopics), "every episode in a topic");
        assertEquals(inTopics.size(), Set.copyOf(inTopics).size(), "and in one only");
        assertTrue(conflicts > 0, "server A's session write was refused");
    }

    /** One session of five turns on one subject, closed into one episode; the turns' ids in order. */
    private static List<String> rememberedEpisode(SharedInMemoryStore shared) {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < SAID.size(); i++) {
            messages.add(new Message("user", "Maya", SAID.get(i), T.plusSeconds(30L * i), "m" + i, null));
        }
        List<String> ids;
        try (var setup = engine(shared)) {
            ids = setup.remember(S1, messages).ids();
            assertTrue(setup.awaitConsolidation(Duration.ofSeconds(30)));
        }
        assertEquals(ids, episodeChildren(shared), "one episode over the session's turns");
        return ids;
    }

    private static List<Memory> episodes(MemoryStore store) {
        return store.list(new SearchFilter(S1, Set.of(Kind.EPISODE), null, Map.of()), 10);
    }

    private static List<String> episodeChildren(MemoryStore store) {
        List<Memory> episodes = episodes(store);
        assertEquals(1, episodes.size(), "one episode: " + episodes);
        for (String child : episodes.get(0).childIds()) {
            assertFalse(store.get("acme", child).isEmpty(), "the episode names a turn that is gone: " + child);
        }
        return episodes.get(0).childIds();
    }

    private static LociEngine engine(MemoryStore store) {
        return LociEngine.builder().embedder(new HashingEmbedder()).store(store).build();
    }
}
