package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.StoreHit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Hard deletion through the facade: purge of a user or session, forget by filter and by id, and
 * the repair of the episodes derived from what was deleted (default consolidation: episodes and
 * context keys on).
 */
class ForgetTest {
    private static final Scope MAYA = Scope.user("acme", "maya");
    private static final Scope BEN = Scope.user("acme", "ben");
    private static final Instant T = Instant.parse("2024-03-02T18:00:00Z");

    /** Level 2 off: these pin the episode repairs; LevelsForgetTest covers sessions and topics. */
    private final Rig rig = Rig.create(1, LociConfig.defaults().withConsolidation(
            LociConfig.defaults().consolidation().withLevels(false)));
    private final Loci loci = rig.loci();

    private static List<Message> session(String prefix, String... texts) {
        var out = new ArrayList<Message>();
        for (int i = 0; i < texts.length; i++) {
            out.add(Message.of("Maya", texts[i], T.plusSeconds(i)).withClientId(prefix + i));
        }
        return out;
    }

    /** Ids of the music session's three turns, in order. */
    private List<String> rememberMusic() {
        return loci.remember(MAYA.withSession("music"), session("m",
                "I finally signed up for violin lessons",
                "The teacher is very strict about posture",
                "Every week we rehearse for a small concert")).ids();
    }

    private List<String> rememberFood() {
        return loci.remember(MAYA.withSession("food"), session("f",
                "Tonight I cooked a mushroom risotto",
                "The rice needed far more stock than expected",
                "Next time I will add parmesan at the end",
                "Dessert was a lemon tart from the bakery")).ids();
    }

    private void rememberBen() {
        loci.remember(BEN, List.of(Message.of("Ben", "My violin teacher moved to Porto", T).withClientId("b0"),
                Message.of("Ben", "I bought a bicycle for the commute", T.plusSeconds(1)).withClientId("b1"),
                Message.of("Ben", "The bakery near work makes lemon tarts", T.plusSeconds(2)).withClientId("b2")));
    }

    /** Ids of every memory whose BM25 keys hold the word, in the scope, straight from the store. */
    private Set<String> keyedWith(Scope scope, String word) {
        var hits = rig.store().search(new SearchRequest(SearchFilter.of(scope), word, null, 1000, 0));
        return Set.copyOf(hits.lexical().stream().map(StoreHit::id).toList());
    }

    private Memory episodeOf(String turnId) {
        Memory turn = loci.get(MAYA, turnId).orElseThrow();
        return loci.get(MAYA, turn.parentId()).orElseThrow();
    }

    @Test
    void purgeRemovesEveryMemoryOfTheUserAndNothingElse() {
        rememberMusic();
        rememberFood();
        rememberBen();
        long bens = loci.count(BEN, MemoryFilter.all());
        long mayas = loci.count(MAYA, MemoryFilter.all());
        assertEquals(11, mayas, "seven turns, one episode per session, the plan read from the food session"
                + " and the profile over it");

        ForgetResult result = loci.purge(MAYA);

        assertEquals(new ForgetResult(mayas, 0, 0, 0), result, "everything derived went with it: nothing to repair");
        assertEquals(0, loci.count(MAYA, MemoryFilter.all()));
        assertEquals(bens, loci.count(BEN, MemoryFilter.all()));
        assertEquals(bens, loci.stats().memories());
        assertEquals(Set.of(), keyedWith(Scope.tenant("acme"), "risotto"));
        assertEquals(keyedWith(BEN, "violin"), keyedWith(Scope.tenant("acme"), "violin"), "Ben's memories only");
        assertEquals(ForgetResult.NONE, loci.purge(MAYA), "purging again finds nothing");
    }

    @Test
    void purgeOfASessionKeepsTheUsersOtherSessions() {
        rememberMusic();
        List<String> food = rememberFood();

        assertEquals(4, loci.purge(MAYA.withSession("music")).deleted());

        assertEquals(7, loci.count(MAYA, MemoryFilter.all()), "the food session's four turns, episode and plan,"
                + " and the profile");
        assertEquals(food.size(), loci.count(MAYA.withSession("food"), MemoryFilter.all().withKinds(Set.of(Kind.TURN))));
        assertEquals(Set.of(), keyedWith(MAYA, "violin"));
    }

    @Test
    void forgettingATurnRebuildsItsEpisodeWithoutItsText() {
        List<String> music = rememberMusic();
        Memory before = episodeOf(music.get(0));
        assertEquals(Set.of(music.get(1), music.get(2), before.id()), keyedWith(MAYA, "posture"),
                "the turn, the next turn (context keys) and the episode all index it");

        assertTrue(loci.forget(MAYA, music.get(1)));

        Memory after = loci.get(MAYA, before.id()).orElseThrow();
        assertEquals(List.of(music.get(0), music.get(2)), after.childIds());
        assertEquals(List.of("m0", "m2"), after.sourceIds());
        assertEquals(before.version() + 1, after.version());
        assertFalse(after.text().contains("posture") || after.text().contains("strict"), after.text());
        assertFalse(after.metadata().toString().contains("posture"), after.metadata().toString());
        assertEquals(Set.of(), keyedWith(MAYA, "posture"), "no index key quotes it any more");
        assertEquals(after.id(), loci.get(MAYA, music.get(2)).orElseThrow().parentId(), "the rest keep their parent");
        assertEquals(Set.of(music.get(2), after.id()), keyedWith(MAYA, "concert"), "the rest are still indexed");
    }

    @Test
    void forgettingEveryTurnOfAnEpisodeRemovesIt() {
        List<String> music = rememberMusic();
        String episode = episodeOf(music.get(0)).id();

        ForgetResult result = loci.forget(MAYA.withSession("music"), MemoryFilter.all().withKinds(Set.of(Kind.TURN)));

        assertEquals(new ForgetResult(3, 0, 1, 0), result);
        assertTrue(loci.get(MAYA, episode).isEmpty());
        assertEquals(2, result.totalRemoved() - 2);
        assertEquals(0, loci.count(MAYA, MemoryFilter.all()));
    }

    @Test
    void forgettingAnEpisodeUnlinksItsTurns() {
        List<String> music = rememberMusic();
        String episode = episodeOf(music.get(0)).id();

        assertTrue(loci.forget(MAYA, episode));

        for (String id : music) {
            Memory turn = loci.get(MAYA, id).orElseThrow();
            assertNull(turn.parentId(), id + " still points to the deleted episode");
        }
        assertEquals(Set.of(music.get(0), music.get(1)), keyedWith(MAYA, "lessons"),
                "the turns keep their keys, context included");
        assertEquals(3, loci.count(MAYA, MemoryFilter.all()));
    }

    @Test
    void aTimeRangeThroughAnEpisodeRebuildsItFromTheEarlierTurns() {
        List<String> food = rememberFood();
        String episode = episodeOf(food.get(0)).id();
        var lastTwo = MemoryFilter.all().withKinds(Set.of(Kind.TURN)).withTimeRange(new TimeRange(T.plusSeconds(2), null));
        assertEquals(2, loci.count(MAYA, lastTwo));

        ForgetResult result = loci.forget(MAYA, lastTwo);

        assertEquals(new ForgetResult(2, 1, 0, 0), result);
        assertEquals(food.subList(0, 2), loci.get(MAYA, episode).orElseThrow().childIds());
        assertEquals(Set.of(), keyedWith(MAYA, "parmesan"));
        assertEquals(Set.of(), keyedWith(MAYA, "bakery"));
    }

    @Test
    void metadataSelectsWhatToForget() {
        loci.remember(MAYA, List.of(
                Message.of("Maya", "Text from the phone about the dentist", T).withMetadata(Map.of("channel", "sms")),
                Message.of("Maya", "Chat about the dentist appointment", T.plusSeconds(1))
                        .withMetadata(Map.of("channel", "chat"))));

        ForgetResult result = loci.forget(MAYA, MemoryFilter.all().withMetadata(Map.of("channel", "sms")));

        assertEquals(new ForgetResult(1, 0, 0, 1), result, "the next turn quoted it: re-keyed");
        assertEquals(Set.of(), keyedWith(MAYA, "phone"));
        assertEquals(1, loci.count(MAYA, MemoryFilter.all().withMetadata(Map.of("channel", "chat"))));
    }

    @Test
    void forgetNeverReachesAnotherScope() {
        rememberMusic();
        rememberBen();
        long bens = loci.count(BEN, MemoryFilter.all());

        assertEquals(ForgetResult.NONE, loci.forget(Scope.user("acme", "nobody"), MemoryFilter.all()));
        assertEquals(ForgetResult.NONE, loci.purge(Scope.user("other-tenant", "ben")));
        loci.purge(MAYA);

        assertEquals(bens, loci.count(BEN, MemoryFilter.all()));
        assertFalse(loci.forget(MAYA, loci.recall(BEN, RecallQuery.of("bicycle").withK(1)).results().get(0)
                .memory().id()), "an id of Ben's through Maya's scope");
        assertEquals(bens, loci.count(BEN, MemoryFilter.all()));
    }
}
