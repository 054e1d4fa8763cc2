package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.internal.RecallPipeline;
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

    private List<Message> session(String prefix, String... texts) {
        var out = new ArrayList<Message>();
        for (int i = 0; i < texts.length; i++) {
            out.add(Message.of("Maya", texts[i], T.plusSeconds(i)).withClientId(prefix + i));
        }
        return out;
    }

    private void rememberBoth() {
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
    void plainRecallReturnsTurnsAndRoutesThroughEpisodes() {
        rememberBoth();
        List<Recalled> top = rig.loci().recall(MAYA, RecallQuery.of("violin").withK(3)).results();
        assertTrue(top.stream().allMatch(r -> r.memory().kind() == Kind.TURN), "grouping levels are not returned");
        assertEquals(Set.of("m0", "m1", "m2"), Set.copyOf(top.stream().map(r -> r.memory().clientId()).toList()),
                "the violin turn's episode brings its siblings above unrelated turns");
        assertTrue(top.stream().allMatch(r -> r.signal(RecallPipeline.ROUTE).isPresent()), "each carries the route signal");
    }

    @Test
    void routingCanBeSwitchedOff() {
        rememberBoth();
        var off = rig.loci().config().recall().withRouting(0);
        List<Recalled> top = rig.loci().recall(MAYA, RecallQuery.of("violin").withK(7), off).results();
        assertTrue(top.stream().noneMatch(r -> r.signal(RecallPipeline.ROUTE).isPresent()));
    }

    @Test
    void dateAndContextKeysMakeResolvedDatesSearchable() {
        rig.loci().remember(MAYA, session("d", "I went to the support group yesterday", "How was it?"));
        List<Recalled> top = rig.loci().recall(MAYA, RecallQuery.of("1 March 2024").withK(1),
                rig.loci().config().recall().lexicalOnly()).results();
        assertEquals("d0", top.get(0).memory().clientId(), "'yesterday' on 2 March 2024 is indexed as 1 March 2024");
    }
}
