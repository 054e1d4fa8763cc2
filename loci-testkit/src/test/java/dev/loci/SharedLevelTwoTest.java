package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.engine.LociEngine;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.InMemoryStore;
import dev.loci.testkit.PausingSharedStore;
import dev.loci.testkit.SharedInMemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Level 2 over a shared store: two servers build the same session's node at the same moment, each
 * from a listing that lacks the other's new episode. Server A is stopped just before it writes the
 * node while server B remembers another part of the session and builds its level 2 to the end;
 * A's write is then refused, A loads the session again and writes a node over every episode, and
 * every episode is in exactly one topic.
 */
class SharedLevelTwoTest {
    private static final Scope S1 = new Scope("acme", "maya", null, "s1");
    private static final Scope S2 = new Scope("acme", "maya", null, "s2");
    private static final Scope MAYA = Scope.user("acme", "maya");
    private static final Instant T = Instant.parse("2024-06-01T09:00:00Z");

    @Test
    void aSessionNodeWrittenByTwoServersAtOnceEndsWithEveryEpisode() {
        var shared = new SharedInMemoryStore();
        try (var b = engine(shared)) {
            var pausing = new PausingSharedStore<>(shared, Kind.SESSION, () -> {
                b.remember(S1, chunk("the violin lessons", 8, 8));
                assertTrue(b.awaitConsolidation(Duration.ofSeconds(30)));
            });
            try (var a = engine(pausing)) {
                a.remember(S1, chunk("my garden and the tomatoes", 0, 8));
                assertTrue(a.awaitConsolidation(Duration.ofSeconds(30)));
            }
            assertTrue(pausing.paused, "server A stopped before writing the session node");

            List<Memory> episodes = shared.list(new SearchFilter(S1, Set.of(Kind.EPISODE), null, Map.of()), 100);
            assertTrue(episodes.size() >= 2, "both servers wrote episodes: " + episodes.size());
            List<Memory> sessions = shared.list(new SearchFilter(S1, Set.of(Kind.SESSION), null, Map.of()), 10);
            assertEquals(1, sessions.size());
            assertEquals(ids(episodes), new HashSet<>(sessions.get(0).childIds()), "the session node holds every episode");

            var inTopics = new ArrayList<String>();
            shared.list(new SearchFilter(Scope.user("acme", "maya"), Set.of(Kind.TOPIC), null, Map.of()), 100)
                    .forEach(t -> inTopics.addAll(t.childIds()));
            assertEquals(ids(episodes), new HashSet<>(inTopics), "every episode in a topic");
            assertEquals(inTopics.size(), new HashSet<>(inTopics).size(), "and in one only");
            assertTrue(pausing.conflicts.get() > 0, "server A's node write was refused");
        }
    }

    /**
     * Two servers each close an episode of the same user on the same subject (in two sessions) and
     * each founds a topic, from the same view of the user's topics (none): server A is stopped
     * before it writes its topic while server B, whose episode was said earlier, founds one for
     * both episodes. A's topic write is refused (both founded the first id of the user's sequence),
     * and A finds its episode in B's topic: one topic, as one engine builds, instead of a second
     * topic holding A's episode again.
     */
    @Test
    void aTopicFoundedByTwoServersAtOnceIsOneTopic() {
        var one = new InMemoryStore();
        try (var alone = engine(one)) {
            alone.remember(S2, chunk("the violin lessons", 0, 6));
            assertTrue(alone.awaitConsolidation(Duration.ofSeconds(30)));
            alone.remember(S1, chunk("the violin lessons", 6, 6));
            assertTrue(alone.awaitConsolidation(Duration.ofSeconds(30)));
            assertEquals(1, one.list(new SearchFilter(MAYA, Set.of(Kind.TOPIC), null, Map.of()), 10).size(),
                    "one after the other, the two episodes share one topic");
        }
        var shared = new SharedInMemoryStore();
        try (var b = engine(shared)) {
            var pausing = new PausingSharedStore<>(shared, Kind.TOPIC, () -> {
                b.remember(S2, chunk("the violin lessons", 0, 6));
                assertTrue(b.awaitConsolidation(Duration.ofSeconds(30)));
            });
            try (var a = engine(pausing)) {
                a.remember(S1, chunk("the violin lessons", 6, 6));
                assertTrue(a.awaitConsolidation(Duration.ofSeconds(30)));
            }
            assertTrue(pausing.paused, "server A stopped before writing its topic");
            List<Memory> episodes = shared.list(new SearchFilter(MAYA, Set.of(Kind.EPISODE), null, Map.of()), 100);
            assertEquals(2, episodes.size(), "one episode per session: " + episodes);
            List<Memory> topics = shared.list(new SearchFilter(MAYA, Set.of(Kind.TOPIC), null, Map.of()), 100);
            var inTopics = new ArrayList<String>();
            topics.forEach(t -> inTopics.addAll(t.childIds()));
            assertEquals(inTopics.size(), new HashSet<>(inTopics).size(), "each episode in one topic only: " + topics);
            assertEquals(1, topics.size(), "one topic: " + topics);
            assertEquals(ids(episodes), new HashSet<>(topics.get(0).childIds()), "holding both episodes");
            assertTrue(pausing.conflicts.get() > 0, "server A's topic write was refused");
        }
    }

    private static Set<String> ids(List<Memory> memories) {
        Set<String> out = new HashSet<>();
        memories.forEach(m -> out.add(m.id()));
        return out;
    }

    private static List<Message> chunk(String topic, int from, int n) {
        List<Message> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            out.add(new Message("user", "Maya", "Maya talks about " + topic + ", message " + i + ".",
                    T.plusSeconds(60L * i), "m" + i, null));
        }
        return out;
    }

    private static LociEngine engine(MemoryStore store) {
        return LociEngine.builder().embedder(new HashingEmbedder()).store(store).build();
    }
}
