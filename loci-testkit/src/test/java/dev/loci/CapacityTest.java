package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.spi.SearchFilter;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Per-user capacity: the least retained go first, pinned ones never (manual clock). */
class CapacityTest {
    private static final Scope ANNA = Scope.user("acme", "anna");
    private static final Scope BEN = Scope.user("acme", "ben");

    private static Rig rig(int max, boolean episodes) {
        LociConfig flat = Rig.flat();
        LociConfig config = flat.withForgetting(flat.forgetting().withMaxMemoriesPerUser(max).withSweepInterval(null));
        if (episodes) {
            config = config.withConsolidation(LociConfig.defaults().consolidation());
        }
        return Rig.create(11, config);
    }

    private String say(Rig rig, Scope scope, String text) {
        return rig.loci().remember(scope, List.of(Message.of("Anna", text, rig.clock().instant()))).ids().get(0);
    }

    private static Set<String> turns(Rig rig, Scope scope) {
        return Set.copyOf(rig.store().list(new SearchFilter(scope, Set.of(Kind.TURN), null, null), 1000).stream()
                .map(Memory::id).toList());
    }

    @Test
    void goingPastCapacityEvictsTheLeastRetainedFirst() {
        var rig = rig(3, false);
        String old = say(rig, ANNA, "I collect vintage postcards");
        rig.clock().advance(Duration.ofDays(10));
        String recalled = say(rig, ANNA, "My dentist is Dr. Okafor");
        rig.clock().advance(Duration.ofDays(10));
        String recent = say(rig, ANNA, "I started learning Portuguese");
        for (int i = 0; i < 3; i++) {
            rig.loci().recall(ANNA, RecallQuery.of("who is my dentist").withK(1));
        }
        say(rig, BEN, "Ben keeps bees");
        assertEquals(Set.of(old, recalled, recent), turns(rig, ANNA), "at capacity, nothing evicted");

        rig.clock().advance(Duration.ofDays(10));
        String newest = say(rig, ANNA, "I moved to a flat near the river");
        assertEquals(Set.of(recalled, recent, newest), turns(rig, ANNA),
                "the oldest, never recalled, went first");

        rig.clock().advance(Duration.ofDays(10));
        String last = say(rig, ANNA, "My favourite tea is genmaicha");
        assertEquals(Set.of(recalled, newest, last), turns(rig, ANNA),
                "the recalled turn is older than the Portuguese one but better retained");
        assertEquals(1, turns(rig, BEN).size(), "other users are not touched");
    }

    @Test
    void pinnedMemoriesAreNeverEvicted() {
        var rig = rig(2, false);
        String pinned = rig.loci().remember(ANNA, List.of(Message.of("Anna", "My blood type is O negative",
                rig.clock().instant()).withPinned(true))).ids().get(0);
        rig.clock().advance(Duration.ofDays(100));
        String laterPinned = say(rig, ANNA, "My passport number ends in 1234");
        assertTrue(rig.loci().pin(ANNA, laterPinned, true).orElseThrow().lifecycle().pinned());
        rig.clock().advance(Duration.ofDays(1));
        String fresh = say(rig, ANNA, "I had pasta for lunch");
        assertEquals(Set.of(pinned, laterPinned), turns(rig, ANNA),
                "the freshest unpinned turn goes, however much better retained than the pinned ones");
        assertEquals(false, rig.loci().get(ANNA, fresh).isPresent());

        assertFalse(rig.loci().pin(ANNA, laterPinned, false).orElseThrow().lifecycle().pinned());
        rig.clock().advance(Duration.ofDays(1));
        String another = say(rig, ANNA, "I bought a new umbrella");
        assertEquals(Set.of(pinned, another), turns(rig, ANNA), "unpinned, it can go again");
    }

    @Test
    void evictionRepairsTheEpisodesOfEvictedTurns() {
        var rig = rig(3, true);
        var first = rig.loci().remember(ANNA, List.of(
                Message.of("Anna", "We adopted a greyhound called Pepper", rig.clock().instant()),
                Message.of("Anna", "Pepper sleeps eighteen hours a day", rig.clock().instant().plusSeconds(1)),
                Message.of("Anna", "She hates the rain", rig.clock().instant().plusSeconds(2)))).ids();
        String episode = rig.loci().get(ANNA, first.get(0)).orElseThrow().parentId();
        rig.clock().advance(Duration.ofDays(5));
        rig.loci().recall(ANNA, RecallQuery.of("Pepper sleeps").withK(1));
        rig.clock().advance(Duration.ofDays(5));
        say(rig, ANNA, "I signed up for a pottery class");
        assertEquals(3, turns(rig, ANNA).size());
        Memory rebuilt = rig.loci().get(ANNA, episode).orElseThrow();
        assertEquals(2, rebuilt.childIds().size());
        for (String id : first) {
            if (!rebuilt.childIds().contains(id)) {
                String gone = rig.store().get("acme", id).map(Memory::text).orElse(null);
                assertEquals(null, gone);
            }
        }
        assertTrue(rebuilt.childIds().contains(first.get(1)), "the recalled turn stays");
    }

    @Test
    void pinningAnEpisodeIsRefused() {
        var rig = rig(0, true);
        var ids = rig.loci().remember(ANNA, List.of(Message.of("Anna", "one thing", rig.clock().instant()),
                Message.of("Anna", "another thing", rig.clock().instant().plusSeconds(1)))).ids();
        String episode = rig.loci().get(ANNA, ids.get(0)).orElseThrow().parentId();
        var e = assertThrows(InvalidInputException.class, () -> rig.loci().pin(ANNA, episode, true));
        assertEquals("id", e.field());
        assertTrue(rig.loci().pin(ANNA, "nope", true).isEmpty());
    }
}
