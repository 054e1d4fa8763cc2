package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.engine.LociEngine;
import dev.loci.spi.SearchFilter;
import dev.loci.testkit.ForwardingStore;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.InMemoryStore;
import dev.loci.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Time to live: hidden at its expiry, deleted by the sweep with its derived records repaired. */
class ExpiryTest {
    private static final Scope MAYA = Scope.user("acme", "maya");
    private static final Instant T = Rig.T0;

    /** Default consolidation (episodes on), no background sweep: the tests call it. */
    private static Rig rig(ForgettingConfig forgetting) {
        return Rig.create(3, LociConfig.defaults().withForgetting(forgetting.withSweepInterval(null)));
    }

    private static Rig rig() {
        return rig(ForgettingConfig.defaults());
    }

    private static List<Message> trip(Instant expires) {
        var out = new ArrayList<Message>();
        String[] texts = {"We are planning a trip to Kyoto in April", "The door code for the rental is 4471",
                "We should book the tea ceremony early"};
        for (int i = 0; i < texts.length; i++) {
            Message m = Message.of("Maya", texts[i], T.plusSeconds(i)).withClientId("k" + i);
            out.add(i == 1 ? m.withExpiresAt(expires) : m);
        }
        return out;
    }

    @Test
    void anExpiredMemoryIsHiddenAtOnceFromRecallContextAndGet() {
        var rig = rig();
        Instant expires = T.plus(Duration.ofDays(2));
        String code = rig.loci().remember(MAYA, trip(expires)).ids().get(1);
        assertEquals(expires, rig.loci().get(MAYA, code).orElseThrow().lifecycle().expiresAt());
        assertTrue(recalled(rig, "door code rental").contains(code));

        rig.clock().set(expires);
        assertFalse(recalled(rig, "door code rental").contains(code), "hidden from recall at its expiry");
        assertTrue(rig.loci().get(MAYA, code).isEmpty(), "hidden from get");
        var block = rig.loci().context(MAYA, "door code rental", 2000);
        assertFalse(block.text().contains("4471"), block.text());
        assertTrue(rig.store().get("acme", code).isPresent(), "still stored until the sweep");
    }

    @Test
    void theSweepDeletesExpiredMemoriesAndRepairsTheirEpisode() {
        var rig = rig();
        Instant expires = T.plus(Duration.ofDays(2));
        var ids = rig.loci().remember(MAYA, trip(expires)).ids();
        String episode = rig.loci().get(MAYA, ids.get(0)).orElseThrow().parentId();
        assertTrue(rig.loci().get(MAYA, episode).orElseThrow().text().contains("4471"), "the episode quotes it");
        assertEquals(0, rig.loci().evictExpired(), "nothing has expired yet");

        rig.clock().set(expires.plusSeconds(1));
        assertEquals(1, rig.loci().evictExpired());
        assertTrue(rig.store().get("acme", ids.get(1)).isEmpty(), "deleted");
        Memory rebuilt = rig.loci().get(MAYA, episode).orElseThrow();
        assertFalse(rebuilt.text().contains("4471"), rebuilt.text());
        assertEquals(List.of(ids.get(0), ids.get(2)), rebuilt.childIds());
        assertEquals(0, rig.loci().evictExpired(), "nothing left to do");
    }

    @Test
    void aConfiguredTimeToLiveAppliesToMessagesThatNameNoExpiry() {
        var rig = rig(ForgettingConfig.defaults().withTimeToLive(Duration.ofHours(1)));
        rig.clock().advance(Duration.ofMinutes(5));
        var ids = rig.loci().remember(MAYA, trip(T.plus(Duration.ofDays(9)))).ids();
        Instant now = rig.clock().instant();
        assertEquals(now.plus(Duration.ofHours(1)), rig.loci().get(MAYA, ids.get(0)).orElseThrow().lifecycle().expiresAt(),
                "counted from when it is remembered");
        assertEquals(T.plus(Duration.ofDays(9)), rig.loci().get(MAYA, ids.get(1)).orElseThrow().lifecycle().expiresAt(),
                "a message's own expiry wins");
        String episode = rig.loci().get(MAYA, ids.get(0)).orElseThrow().parentId();
        assertEquals(T.plus(Duration.ofDays(9)), rig.loci().get(MAYA, episode).orElseThrow().lifecycle().expiresAt(),
                "an episode expires with the last of its turns");

        rig.loci().awaitConsolidation(); // the session and topic over the episode, built in the background

        rig.clock().advance(Duration.ofHours(2));
        assertEquals(List.of(ids.get(1)), recalled(rig, "Kyoto trip door code tea ceremony"));
        assertEquals(2, rig.loci().evictExpired());
        var turnsAndEpisodes = new SearchFilter(MAYA, Set.of(Kind.TURN, Kind.EPISODE), null, Map.of());
        assertEquals(2, rig.store().count(turnsAndEpisodes), "the code and its rebuilt episode");
        rig.clock().advance(Duration.ofDays(9));
        assertEquals(2, rig.loci().evictExpired(), "the last turn and the episode with it");
        assertEquals(0, rig.store().count(SearchFilter.of(MAYA)), "sessions and topics follow their episodes");
    }

    @Test
    void theBackgroundSweepRunsOnItsOwn() throws InterruptedException {
        var config = LociConfig.defaults().withForgetting(
                ForgettingConfig.defaults().withSweepInterval(Duration.ofMillis(20)));
        var watched = new AtomicReference<String>();
        var codeDeleted = new CountDownLatch(1);
        var store = new ForwardingStore(new InMemoryStore()) {
            @Override
            public boolean delete(String tenant, String id) {
                boolean found = super.delete(tenant, id);
                if (found && id.equals(watched.get())) {
                    codeDeleted.countDown();
                }
                return found;
            }
        };
        var clock = new ManualClock(T);
        try (Loci loci = LociEngine.builder().embedder(new HashingEmbedder()).store(store).clock(clock)
                .random(new Random(3)).config(config).build()) {
            String code = loci.remember(MAYA, trip(T.plusSeconds(60))).ids().get(1);
            watched.set(code);
            clock.advance(Duration.ofMinutes(2));
            // Nothing but the background sweep deletes here: wait for its delete, not for a time.
            assertTrue(codeDeleted.await(30, TimeUnit.SECONDS), "the sweep deleted the expired turn");
            assertTrue(store.get("acme", code).isEmpty());
        }
    }

    @Test
    void anExpiryThatCouldNeverBeSeenIsRefused() {
        var rig = rig();
        rig.clock().advance(Duration.ofDays(1));
        var past = assertThrows(InvalidInputException.class, () -> rig.loci().remember(MAYA,
                List.of(Message.of("Maya", "hello", T).withExpiresAt(T.plus(Duration.ofHours(1))))));
        assertEquals("messages[0].expiresAt", past.field());
        var beforeItWasSaid = assertThrows(InvalidInputException.class, () -> rig.loci().remember(MAYA,
                List.of(Message.of("Maya", "ok", null), Message.of("Maya", "next year", T.plus(Duration.ofDays(400)))
                        .withExpiresAt(T.plus(Duration.ofDays(300))))));
        assertEquals("messages[1].expiresAt", beforeItWasSaid.field());
        assertTrue(beforeItWasSaid.getMessage().contains("timestamp"), beforeItWasSaid.getMessage());
        assertEquals(0, rig.store().count(SearchFilter.of(MAYA)), "nothing was written");
    }

    private static List<String> recalled(Rig rig, String query) {
        return rig.loci().recall(MAYA, RecallQuery.of(query)).results().stream().map(r -> r.memory().id()).toList();
    }
}
