package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A conversation remembered a message or two at a time gets the episodes (and so the sessions)
 * it gets when remembered in one call: each conversation's open tail is continued by its next
 * call and closed by a topic shift, a silence, a full episode or a flush.
 */
class EpisodeTailTest {
    static final Instant T = Instant.parse("2024-03-02T18:00:00Z");
    static final Scope MAYA = Scope.user("acme", "maya");
    /** Three topics with no word in common but stop words: the segmenter has clear shifts to find. */
    static final String[] CONVERSATION = {
        "I finally signed up for violin lessons at the music school",
        "My violin teacher is strict about bow posture",
        "Violin scales every morning before the music lesson",
        "The violin teacher wants a recital in spring",
        "Bow posture and violin scales still feel awkward",
        "The recital piece is a slow violin sonata",
        "Music school recital tickets for the violin sonata",
        "Tonight I cooked a mushroom risotto for dinner",
        "The risotto rice needed more stock than the recipe said",
        "Parmesan goes into the risotto at the very end",
        "Next time the risotto gets more parmesan and less stock",
        "Dessert after the mushroom risotto was a lemon tart",
        "The mushroom stock recipe came from grandmother",
        "Cooking risotto takes patience and stirring the rice",
        "Training for the city marathon in October",
        "Marathon training means long runs on Sunday",
        "Running shoes are worn out after the long runs",
        "The marathon coach says my knee needs rest",
        "Knee pain stopped the long run at mile ten",
        "New running shoes should help the knee and the marathon"};

    static List<Message> conversation() {
        var out = new ArrayList<Message>();
        for (int i = 0; i < CONVERSATION.length; i++) {
            out.add(Message.of("Maya", CONVERSATION[i], T.plus(Duration.ofMinutes(i))).withClientId("c" + i));
        }
        return out;
    }

    static void rememberInCalls(Loci loci, Scope scope, List<Message> messages, int perCall) {
        for (int i = 0; i < messages.size(); i += perCall) {
            loci.remember(scope, messages.subList(i, Math.min(messages.size(), i + perCall)));
        }
    }

    /**
     * The scope's episodes, each as the indices of its turns (from their client ids "c<i>"), by
     * first turn; also checks each turn points back to the one episode that lists it.
     */
    static List<List<Integer>> episodes(Loci loci, dev.loci.spi.MemoryStore store, Scope scope) {
        var out = new ArrayList<List<Integer>>();
        for (Memory e : store.list(new SearchFilter(scope, Set.of(Kind.EPISODE), null, Map.of()), 10_000)) {
            var members = new ArrayList<Integer>();
            for (String child : e.childIds()) {
                Memory turn = loci.get(scope, child).orElseThrow(() -> new AssertionError(e.id() + " lists deleted " + child));
                assertEquals(e.id(), turn.parentId(), "turn " + turn.clientId() + " points back to its episode");
                members.add(Integer.parseInt(turn.clientId().substring(1)));
            }
            out.add(members);
        }
        out.sort((a, b) -> Integer.compare(a.get(0), b.get(0)));
        return out;
    }

    /** Start index of each episode. */
    static List<Integer> starts(List<List<Integer>> episodes) {
        return episodes.stream().map(e -> e.get(0)).toList();
    }

    /** Asserts the episodes cover turns 0..n-1, each exactly once, as consecutive runs. */
    static void assertPartition(List<List<Integer>> episodes, int n, String what) {
        var all = new ArrayList<Integer>();
        episodes.forEach(all::addAll);
        var expected = new ArrayList<Integer>();
        for (int i = 0; i < n; i++) {
            expected.add(i);
        }
        assertEquals(expected, all, what + ": every turn in exactly one episode, in order: " + episodes);
    }

    @Test
    void oneOrTwoMessagesPerCallGiveTheEpisodesOfOneCall() {
        Rig rig = Rig.create(1, LociConfig.defaults());
        Scope whole = MAYA.withSession("whole");
        Scope ones = MAYA.withSession("ones");
        Scope pairs = MAYA.withSession("pairs");
        rig.loci().remember(whole, conversation());
        rememberInCalls(rig.loci(), ones, conversation(), 1);
        rememberInCalls(rig.loci(), pairs, conversation(), 2);

        List<List<Integer>> before = episodes(rig.loci(), rig.store(), ones);
        assertFalse(before.isEmpty(), "topic shifts close episodes before any flush");
        assertTrue(before.stream().mapToInt(List::size).sum() < CONVERSATION.length, "the last topic is still open");
        assertTrue(rig.loci().awaitConsolidation(Duration.ofSeconds(30)));

        List<List<Integer>> inOne = episodes(rig.loci(), rig.store(), whole);
        List<List<Integer>> oneEach = episodes(rig.loci(), rig.store(), ones);
        List<List<Integer>> twoEach = episodes(rig.loci(), rig.store(), pairs);
        assertPartition(inOne, CONVERSATION.length, "one call");
        assertPartition(oneEach, CONVERSATION.length, "one message per call");
        assertPartition(twoEach, CONVERSATION.length, "two messages per call");
        // The segmenter continues from the episodes closed before (their novelties), but each call
        // starts from their refined boundaries, not from where its scan put them: a boundary can
        // come out one turn off, and one more can appear. Measured here: one call [0, 10, 13],
        // one per call [0, 10, 13, 16], two per call [0, 10, 14, 17].
        assertClose(starts(inOne), starts(oneEach), "one message per call");
        assertClose(starts(inOne), starts(twoEach), "two messages per call");

        for (Scope s : List.of(whole, ones, pairs)) {
            List<Memory> sessions = rig.store().list(new SearchFilter(s, Set.of(Kind.SESSION), null, Map.of()), 10);
            assertEquals(1, sessions.size(), s + " has its session node");
            assertEquals(episodes(rig.loci(), rig.store(), s).size(), sessions.get(0).childIds().size(),
                    s + ": the session holds every episode");
        }
    }

    /** Each boundary of one call has one within a turn of it, and at most one more episode. */
    static void assertClose(List<Integer> oneCall, List<Integer> inCalls, String what) {
        for (int b : oneCall) {
            assertTrue(inCalls.stream().anyMatch(x -> Math.abs(x - b) <= 1),
                    what + ": a boundary near " + b + " of one call: " + inCalls + " vs " + oneCall);
        }
        assertTrue(inCalls.size() - oneCall.size() <= 1 && inCalls.size() >= oneCall.size(),
                what + ": episodes " + inCalls + " vs " + oneCall);
    }

    @Test
    void aSilenceClosesTheTailAtTheNextCall() {
        Rig rig = Rig.create(1, LociConfig.defaults());
        Scope s = MAYA.withSession("gap");
        List<Message> talk = conversation();
        rememberInCalls(rig.loci(), s, talk.subList(0, 2), 1);
        assertEquals(List.of(), episodes(rig.loci(), rig.store(), s), "two turns: still open");
        Message later = Message.of("Maya", CONVERSATION[2], T.plus(Duration.ofHours(2))).withClientId("c2");
        rig.loci().remember(s, List.of(later));
        assertEquals(List.of(List.of(0, 1)), episodes(rig.loci(), rig.store(), s),
                "the turn said two hours later closes the two before it, below the minimum length");
        assertNull(rig.loci().get(s, rig.loci().remember(s, List.of(later)).ids().get(0)).orElseThrow().parentId(),
                "the later turn opens the next tail");
    }

    @Test
    void aTailIdleForTheGapIsClosedByTheSweep() throws InterruptedException {
        LociConfig d = LociConfig.defaults();
        Rig rig = Rig.create(1, d.withForgetting(d.forgetting().withSweepInterval(Duration.ofMillis(50))));
        Scope s = MAYA.withSession("idle");
        rememberInCalls(rig.loci(), s, conversation().subList(0, 2), 1);
        Thread.sleep(200);
        assertEquals(List.of(), episodes(rig.loci(), rig.store(), s), "not idle long enough yet");
        rig.clock().advance(d.consolidation().episodeGap().plusSeconds(1));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (episodes(rig.loci(), rig.store(), s).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of(List.of(0, 1)), episodes(rig.loci(), rig.store(), s));
    }

    @Test
    void aFullEpisodeClosesWithoutAFlush() {
        LociConfig d = LociConfig.defaults();
        Rig rig = Rig.create(1, d.withConsolidation(d.consolidation().toBuilder().maxEpisodeTurns(4).build()));
        Scope s = MAYA.withSession("full");
        var same = new ArrayList<Message>();
        for (int i = 0; i < 9; i++) {
            same.add(Message.of("Maya", "violin practice number " + i, T.plusSeconds(i)).withClientId("c" + i));
        }
        rememberInCalls(rig.loci(), s, same, 1);
        assertEquals(List.of(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7)), episodes(rig.loci(), rig.store(), s));
    }

    @Test
    void rememberingTheSameMessagesAgainChangesNothing() {
        Rig rig = Rig.create(1, LociConfig.defaults());
        Scope s = MAYA.withSession("again");
        rememberInCalls(rig.loci(), s, conversation(), 1);
        long count = rig.loci().count(MAYA, MemoryFilter.all());
        var open = episodes(rig.loci(), rig.store(), s);
        for (Message m : conversation()) {
            RememberResult r = rig.loci().remember(s, List.of(m));
            assertEquals(0, r.added());
        }
        assertEquals(count, rig.loci().count(MAYA, MemoryFilter.all()));
        assertEquals(open, episodes(rig.loci(), rig.store(), s));
        rig.loci().awaitConsolidation();
        rememberInCalls(rig.loci(), s, conversation(), 2);
        assertPartition(episodes(rig.loci(), rig.store(), s), CONVERSATION.length, "after a flush and a replay");
    }

    @Test
    void aForgottenTurnOfTheOpenTailLeavesNoTrace() {
        LociConfig d = LociConfig.defaults();
        Rig rig = Rig.create(1, d.withConsolidation(d.consolidation().withFacts(false)));
        Scope s = MAYA.withSession("forget");
        List<Message> talk = new ArrayList<>(conversation().subList(0, 5));
        talk.set(1, Message.of("Maya", "My violin teacher is strict about bow posture zebra42", T.plusSeconds(60))
                .withClientId("c1"));
        rememberInCalls(rig.loci(), s, talk.subList(0, 3), 1);
        String forgotten = rig.loci().remember(s, List.of(talk.get(1))).ids().get(0);
        assertTrue(rig.loci().forget(s, forgotten));
        rememberInCalls(rig.loci(), s, talk.subList(3, 5), 1);
        rig.loci().awaitConsolidation();

        List<Memory> episodes = rig.store().list(new SearchFilter(s, Set.of(Kind.EPISODE), null, Map.of()), 10);
        assertEquals(1, episodes.size());
        assertEquals(4, episodes.get(0).childIds().size(), "the four remaining turns");
        assertFalse(episodes.get(0).childIds().contains(forgotten));
        var hits = rig.store().search(new SearchRequest(SearchFilter.of(MAYA), "zebra42", null, 100, 0));
        assertEquals(List.of(), hits.lexical(), "no record's text or keys holds the forgotten turn");
    }

    @Test
    void anUpdatedTurnOfTheOpenTailGoesIntoItsEpisodeWithItsNewText() {
        LociConfig d = LociConfig.defaults();
        Rig rig = Rig.create(1, d.withConsolidation(d.consolidation().withFacts(false)));
        Scope s = MAYA.withSession("update");
        List<Message> talk = conversation().subList(0, 4);
        rememberInCalls(rig.loci(), s, talk.subList(0, 2), 1);
        String id = rig.loci().remember(s, List.of(talk.get(0))).ids().get(0);
        rig.loci().update(s, id, "I signed up for violin lessons with a teacher called Okonkwo");
        rememberInCalls(rig.loci(), s, talk.subList(2, 4), 1);
        rig.loci().awaitConsolidation();

        List<Memory> episodes = rig.store().list(new SearchFilter(s, Set.of(Kind.EPISODE), null, Map.of()), 10);
        assertEquals(1, episodes.size());
        assertTrue(episodes.get(0).childIds().contains(id));
        Memory turn = rig.loci().get(s, id).orElseThrow();
        assertEquals(2, turn.version(), "the update is kept when the episode takes the turn");
        assertEquals(episodes.get(0).id(), turn.parentId());
        var old = rig.store().search(new SearchRequest(new SearchFilter(s, Set.of(Kind.EPISODE), null, Map.of()),
                "finally", null, 10, 0));
        assertEquals(List.of(), old.lexical(), "the episode is keyed with the new text, not the old");
    }

    @Test
    void aTurnAnEpisodeTakesKeepsTheSupersessionLinkItsCallGivesIt() {
        Rig rig = Rig.create(1, LociConfig.defaults());
        Scope s = MAYA.withSession("facts");
        String boston = rig.loci().remember(s, List.of(Message.of("Maya", "I live in Boston", T).withClientId("b")))
                .ids().get(0);
        rig.loci().remember(s, List.of(Message.of("Maya", "The harbour is lovely", T.plusSeconds(60))));
        // two hours later: the silence closes the tail, and the new statement closes the old one, in one write
        rig.loci().remember(s, List.of(Message.of("Maya", "I moved to Denver", T.plus(Duration.ofHours(2)))));
        Memory turn = rig.loci().get(s, boston).orElseThrow();
        assertNotNull(turn.parentId(), "the silence closed the tail into an episode");
        assertNotNull(turn.lifecycle().supersededBy(), "and the turn kept the link the later statement gave it");
    }

    @Test
    void aTailTurnPinnedBeforeItsEpisodeClosesStaysPinned() {
        LociConfig d = LociConfig.defaults();
        Rig rig = Rig.create(1, d.withConsolidation(d.consolidation().withFacts(false)));
        Scope s = MAYA.withSession("pin");
        List<Message> talk = conversation();
        String first = rig.loci().remember(s, List.of(talk.get(0))).ids().get(0);
        rememberInCalls(rig.loci(), s, talk.subList(1, 3), 1);
        assertTrue(rig.loci().pin(s, first, true).orElseThrow().lifecycle().pinned());
        rememberInCalls(rig.loci(), s, talk.subList(3, 12), 1); // the topic shift closes the first episode
        Memory turn = rig.loci().get(s, first).orElseThrow();
        assertNotNull(turn.parentId(), "an episode took the pinned turn");
        assertTrue(turn.lifecycle().pinned(), "and kept its pin");
    }

    @Test
    void aTailTurnLinkedByAnotherConversationKeepsTheLinkInItsEpisode() {
        Rig rig = Rig.create(1, LociConfig.defaults());
        Scope home = MAYA.withSession("home");
        String boston = rig.loci().remember(home, List.of(Message.of("Maya", "I live in Boston", T).withClientId("b")))
                .ids().get(0);
        rig.loci().remember(home, List.of(Message.of("Maya", "The harbour is lovely", T.plusSeconds(60))));
        // Another session of the same user: the later statement closes the fact and links the turn,
        // which is still in the first session's open tail.
        rig.loci().remember(MAYA.withSession("work"),
                List.of(Message.of("Maya", "I moved to Denver", T.plusSeconds(120))));
        assertNotNull(rig.loci().get(home, boston).orElseThrow().lifecycle().supersededBy());
        // two hours later in the first session: the silence closes its tail, taking the linked turn
        rig.loci().remember(home, List.of(Message.of("Maya", "Ferries leave every hour", T.plus(Duration.ofHours(2)))));
        Memory turn = rig.loci().get(home, boston).orElseThrow();
        assertNotNull(turn.parentId(), "the silence closed the tail into an episode");
        assertNotNull(turn.lifecycle().supersededBy(), "and the turn kept the link the other session gave it");
    }

    @Test
    void turnsLinkedByTheirOwnCallKeepTheLinksWhenALaterCallClosesTheirEpisode() {
        Rig rig = Rig.create(1, LociConfig.defaults());
        Scope s = MAYA.withSession("own-link");
        // one call, two statements: the later one closes the earlier, both turns are linked, and
        // both stay open (two turns are no episode yet)
        List<String> ids = rig.loci().remember(s, List.of(Message.of("Maya", "I live in Boston", T),
                Message.of("Maya", "I moved to Denver", T.plusSeconds(60)))).ids();
        assertNull(rig.loci().get(s, ids.get(0)).orElseThrow().parentId());
        rig.loci().remember(s, List.of(Message.of("Maya", "Ferries leave every hour", T.plus(Duration.ofHours(3)))));
        Memory boston = rig.loci().get(s, ids.get(0)).orElseThrow();
        Memory denver = rig.loci().get(s, ids.get(1)).orElseThrow();
        assertNotNull(boston.parentId(), "the silence closed the two turns into an episode");
        assertEquals(ids.get(1), boston.lifecycle().supersededBy(), "the earlier turn kept its link");
        assertEquals(ids.get(0), denver.lifecycle().supersedes(), "and so did the later one");
    }

    @Test
    void oneMessageCallsReadNothingFromTheStoreOnceTheTailIsKnown() {
        var store = new dev.loci.testkit.InMemoryStore();
        var reads = new java.util.concurrent.atomic.AtomicInteger();
        Thread caller = Thread.currentThread();
        var counting = new dev.loci.testkit.ForwardingStore(store) {
            private void count() {
                if (Thread.currentThread() == caller) { // the background builder of sessions reads as it must
                    reads.incrementAndGet();
                }
            }

            @Override
            public java.util.Optional<Memory> get(String tenant, String id) {
                count();
                return super.get(tenant, id);
            }

            @Override
            public Map<String, dev.loci.spi.Embedding> vectors(String tenant, java.util.Collection<String> ids) {
                count();
                return super.vectors(tenant, ids);
            }

            @Override
            public List<Memory> list(SearchFilter filter, int limit) {
                count();
                return super.list(filter, limit);
            }

            @Override
            public dev.loci.spi.SearchHits search(SearchRequest request) {
                count();
                return super.search(request);
            }
        };
        LociConfig d = LociConfig.defaults();
        Scope s = MAYA.withSession("steady");
        try (Loci loci = dev.loci.engine.LociEngine.builder().embedder(new dev.loci.testkit.HashingEmbedder())
                .store(counting).clock(new dev.loci.testkit.ManualClock(T))
                .config(d).build()) {
            loci.remember(s, List.of(conversation().get(0))); // a conversation new to this process: read once
            reads.set(0);
            rememberInCalls(loci, s, conversation().subList(1, CONVERSATION.length), 1);
            assertEquals(0, reads.get(), "no store read on the calls that continued the tail");
            assertFalse(episodes(loci, store, s).isEmpty(), "while episodes closed and took turns of the tail");
        }
    }

    @Test
    void closingTheEngineKeepsTheTailOpenForTheNextStart() {
        var store = new dev.loci.testkit.InMemoryStore();
        var clock = new dev.loci.testkit.ManualClock(T);
        LociConfig config = LociConfig.defaults();
        Scope s = MAYA.withSession("restart");
        List<List<Integer>> uninterrupted;
        {
            Rig rig = Rig.create(1, config);
            rememberInCalls(rig.loci(), s, conversation(), 1);
            rig.loci().awaitConsolidation();
            uninterrupted = episodes(rig.loci(), rig.store(), s);
        }
        try (Loci first = engine(store, clock, config)) {
            rememberInCalls(first, s, conversation().subList(0, 10), 1);
        }
        try (Loci second = engine(store, clock, config)) {
            rememberInCalls(second, s, conversation().subList(10, 20), 1);
            second.awaitConsolidation();
            assertEquals(uninterrupted, episodes(second, store, s), "the second start continued the tail");
        }
    }

    private static Loci engine(dev.loci.spi.MemoryStore store, java.time.Clock clock, LociConfig config) {
        var shared = new dev.loci.testkit.ForwardingStore(store) {
            @Override
            public void close() {
                // the store outlives the engine: a restart over the same data
            }
        };
        return dev.loci.engine.LociEngine.builder().embedder(new dev.loci.testkit.HashingEmbedder()).store(shared)
                .clock(clock).config(config).build();
    }
}
