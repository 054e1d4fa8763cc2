package dev.loci;

import dev.loci.engine.LociEngine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.internal.recall.RecallPipeline;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Episodes are built at ingest and route recall down to their turns. */
class HierarchyTest {
    private static final Scope MAYA = Scope.user("acme", "maya");
    private static final Instant T = Instant.parse("2024-03-02T18:00:00Z");

    private final Rig rig = Rig.create(1, LociConfig.defaults());
    /** Episodes without context keys: a turn's index text is its own, so which turns match is plain. */
    private final Rig plain = Rig.create(1, LociConfig.defaults().withConsolidation(
            LociConfig.defaults().consolidation().withContextKeys(false)));

    private List<Message> session(String prefix, String... texts) {
        var out = new ArrayList<Message>();
        for (int i = 0; i < texts.length; i++) {
            out.add(Message.of("Maya", texts[i], T.plusSeconds(i)).withClientId(prefix + i));
        }
        return out;
    }

    private void rememberBoth() {
        rememberBoth(rig);
    }

    private void rememberBoth(Rig rig) {
        rig.loci().remember(MAYA.withSession("music"), session("m",
                "I finally signed up for violin lessons",
                "The teacher is very strict about posture",
                "Every week we rehearse for a small concert"));
        rig.loci().remember(MAYA.withSession("food"), session("f",
                "Tonight I cooked a mushroom risotto",
                "The rice needed far more stock than expected",
                "Next time I will add parmesan at the end",
                "Dessert was a lemon tart from the bakery"));
    }

    @Test
    void episodesPointToTheirTurnsAndBack() {
        rememberBoth();
        var episodes = rig.loci().recall(MAYA, RecallQuery.of("violin lessons concert").withKinds(Set.of(Kind.EPISODE)))
                .results();
        assertEquals(2, episodes.size(), "one episode per short session");
        Memory music = episodes.get(0).memory();
        assertEquals(Kind.EPISODE, music.kind());
        assertEquals(3, music.childIds().size());
        assertEquals(List.of("m0", "m1", "m2"), music.sourceIds(), "provenance: the turns' client ids");
        for (String child : music.childIds()) {
            Memory turn = rig.loci().get(MAYA, child).orElseThrow();
            assertEquals(music.id(), turn.parentId(), "turn points up to its episode");
        }
        assertNotNull(music.metadata().get("keyphrases"));
        assertEquals(MAYA.withSession("music"), music.scope());
    }

    @Test
    void routedRecallReturnsTurnsAndRoutesThroughEpisodes() {
        rememberBoth();
        var routed = rig.loci().config().recall().withRouting(1.0);
        List<Recalled> top = rig.loci().recall(MAYA, RecallQuery.of("violin").withK(3), routed).results();
        assertTrue(top.stream().allMatch(r -> r.memory().kind() == Kind.TURN), "grouping levels are not returned");
        assertEquals(Set.of("m0", "m1", "m2"), Set.copyOf(top.stream().map(r -> r.memory().clientId()).toList()),
                "the violin turn's episode brings its siblings above unrelated turns");
        assertTrue(top.stream().allMatch(r -> r.signal(RecallPipeline.ROUTE).isPresent()), "each carries the route signal");
    }

    @Test
    void routingIsOffByDefault() {
        rememberBoth();
        List<Recalled> top = rig.loci().recall(MAYA, RecallQuery.of("violin").withK(7)).results();
        assertEquals(7, top.size());
        assertTrue(top.stream().noneMatch(r -> r.signal(RecallPipeline.ROUTE).isPresent()));
    }

    @Test
    void dateAndContextKeysMakeResolvedDatesSearchable() {
        rig.loci().remember(MAYA, session("d", "I went to the support group yesterday", "How was it?"));
        List<Recalled> top = rig.loci().recall(MAYA, RecallQuery.of("1 March 2024").withK(1),
                rig.loci().config().recall().lexicalOnly()).results();
        assertEquals("d0", top.get(0).memory().clientId(), "'yesterday' on 2 March 2024 is indexed as 1 March 2024");
    }

    @Test
    void routingRaisesOnlyTurnsThatAreAlreadyCandidates() {
        rememberBoth(plain);
        var bm25Routed = plain.loci().config().recall().lexicalOnly().withRouting(1.0).withContiguity(0).withTemporal(0)
                .toBuilder().sessionWeight(0).build(); // routing's raise alone
        List<Recalled> top = plain.loci().recall(MAYA, RecallQuery.of("violin").withK(7), bm25Routed).results();
        assertEquals(List.of("m0"), top.stream().map(r -> r.memory().clientId()).toList(),
                "the episode matches, but its other turns do not match the query themselves");
        Signal route = top.get(0).signal(RecallPipeline.ROUTE).orElseThrow();
        double bm25 = top.get(0).signal(Signal.BM25).orElseThrow().contribution();
        assertEquals(bm25 + route.contribution(), top.get(0).score(), 1e-9);
    }

    @Test
    void neighboursOfAStrongHitInheritPartOfItsScore() {
        rememberBoth(plain);
        var contiguous = plain.loci().config().recall().lexicalOnly().withRouting(0).withTemporal(0).withContiguity(0.3);
        List<Recalled> top = plain.loci().recall(MAYA, RecallQuery.of("posture").withK(7), contiguous).results();
        assertEquals(List.of("m1", "m0", "m2"), top.stream().map(r -> r.memory().clientId()).toList(),
                "the hit, then the turns before and after it in its episode");
        double hit = top.get(0).score();
        for (Recalled neighbour : top.subList(1, 3)) {
            Signal context = neighbour.signal(RecallPipeline.CONTEXT).orElseThrow();
            assertEquals(0.3 * hit, context.contribution(), 1e-9);
            assertEquals(0.3 * hit, neighbour.score(), 1e-9, "the neighbours had no score of their own");
        }
    }

    @Test
    void contiguityStopsAtTheEpisodeBoundary() {
        rememberBoth(plain);
        var contiguous = plain.loci().config().recall().lexicalOnly().withRouting(0).withTemporal(0).withContiguity(0.3);
        List<Recalled> top = plain.loci().recall(MAYA, RecallQuery.of("concert rehearse").withK(7), contiguous).results();
        assertEquals(List.of("m2", "m1"), top.stream().map(r -> r.memory().clientId()).toList(),
                "the last turn of the music session has one neighbour; the food session is another episode");
    }

    @Test
    void whenQuestionsPreferTurnsThatNameATime() {
        plain.loci().remember(MAYA.withSession("hike"), session("h",
                "We went hiking in the hills with the dog",
                "We went hiking again last Saturday",
                "The dog slept all evening"));
        // the "when" raise alone (the speaker step would raise Maya's turns after it)
        var temporal = plain.loci().config().recall().lexicalOnly().withRouting(0).withContiguity(0).withTemporal(0.2)
                .toBuilder().speakerWeight(0).build();
        List<Recalled> when = plain.loci().recall(MAYA, RecallQuery.of("When did Maya go hiking?").withK(2), temporal)
                .results();
        Recalled timed = when.stream().filter(r -> r.memory().clientId().equals("h1")).findFirst().orElseThrow();
        Signal raise = timed.signal(RecallPipeline.TEMPORAL).orElseThrow();
        assertEquals(timed.score() - raise.contribution(), raise.contribution() / 0.2, 1e-9);
        Recalled untimed = when.stream().filter(r -> r.memory().clientId().equals("h0")).findFirst().orElseThrow();
        assertTrue(untimed.signal(RecallPipeline.TEMPORAL).isEmpty());

        List<Recalled> what = plain.loci().recall(MAYA, RecallQuery.of("Where did Maya go hiking?").withK(2), temporal)
                .results();
        assertTrue(what.stream().allMatch(r -> r.signal(RecallPipeline.TEMPORAL).isEmpty()),
                "only questions about time get the preference");
    }

    @Test
    void aOneMessageCallGetsTheTurnBeforeItAsContext() {
        Scope chat = MAYA.withSession("chat");
        rig.loci().remember(chat, List.of(Message.of("Assistant", "Which marathon did you sign up for?", T)
                .withClientId("q")));
        rig.loci().remember(chat, List.of(Message.of("Maya", "The one in Lisbon, in October!", T.plusSeconds(5))
                .withClientId("a")));
        var bm25 = rig.loci().config().recall().lexicalOnly().withTemporal(0);
        List<String> top = rig.loci().recall(chat, RecallQuery.of("marathon").withK(2), bm25).results().stream()
                .map(r -> r.memory().clientId()).toList();
        assertEquals(Set.of("q", "a"), Set.copyOf(top), "the answer is found through the question before it");
    }

    @Test
    void aForgottenTurnIsNoLaterTurnsContext() {
        Scope chat = MAYA.withSession("chat");
        String secret = rig.loci().remember(chat, List.of(Message.of("Maya", "My locker code is zebra", T)
                .withClientId("s"))).ids().get(0);
        assertTrue(rig.loci().forget(chat, secret));
        rig.loci().remember(chat, List.of(Message.of("Maya", "Anyway, see you tomorrow", T.plusSeconds(5))
                .withClientId("n")));
        var bm25 = rig.loci().config().recall().lexicalOnly().withTemporal(0);
        assertEquals(List.of(), rig.loci().recall(chat, RecallQuery.of("zebra locker").withK(2), bm25).results());
    }
}
