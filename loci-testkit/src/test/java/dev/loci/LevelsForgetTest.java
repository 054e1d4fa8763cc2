package dev.loci;

import dev.loci.engine.LociEngine;
import static dev.loci.LevelsTest.MAYA;
import static dev.loci.LevelsTest.T;
import static dev.loci.LevelsTest.VIOLIN;
import static dev.loci.LevelsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchRequest;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Forgetting reaches level 2: no session or topic keeps the text of what was deleted. */
class LevelsForgetTest {
    private static final Scope BEN = Scope.user("acme", "ben");
    /** The violin call again, with a secret in its middle turn, the most central one (quoted in summaries). */
    private static final String[] SECRET = {
        "The violin concerto is hard but my violin teacher is patient",
        "My violin teacher knows my locker code is zebra and moved the violin concerto lesson to Friday",
        "The violin lesson on Friday is with the same teacher"};

    private final GatedStore store = new GatedStore();
    private final Loci loci = LociEngine.builder().embedder(new HashingEmbedder()).store(store).clock(new ManualClock(T))
            .random(new Random(1)).config(LevelsTest.config()).build();

    @AfterEach
    void close() {
        store.release();
        loci.close();
    }

    private void await() {
        assertTrue(loci.awaitConsolidation(Duration.ofSeconds(30)));
    }

    private List<Memory> levelTwo(Scope scope) {
        return store.delegate.list(new SearchFilter(scope, Set.of(Kind.SESSION, Kind.TOPIC), null, Map.of()), 1000);
    }

    /** No memory of the tenant holds the word in its text, metadata or index keys. */
    private void assertNoTrace(String word) {
        Scope tenant = Scope.tenant("acme");
        for (Memory m : store.delegate.list(SearchFilter.of(tenant), 10_000)) {
            assertFalse(m.text().contains(word) || m.metadata().toString().contains(word), word + " survives in " + m);
        }
        var hits = store.delegate.search(new SearchRequest(SearchFilter.of(tenant), word, null, 1000, 0));
        assertEquals(List.of(), hits.lexical(), word + " survives in index keys");
    }

    private void rememberBoth() {
        loci.remember(MAYA.withSession("s1"), call("v", T, VIOLIN));
        loci.remember(MAYA.withSession("s2"), call("s", T.plusSeconds(600), SECRET));
        loci.remember(BEN.withSession("s1"), call("b", T, VIOLIN));
        await();
        assertTrue(levelTwo(MAYA).stream().anyMatch(m -> m.text().contains("zebra")), "the secret reached level 2");
    }

    @Test
    void purgingASessionRebuildsTheUsersTopicsWithoutIt() {
        rememberBoth();
        Memory topic = levelTwo(MAYA).stream().filter(m -> m.kind() == Kind.TOPIC).findFirst().orElseThrow();
        assertEquals(2, topic.childIds().size(), "both violin episodes share a topic");

        loci.purge(MAYA.withSession("s2"));
        assertNoTrace("zebra");
        List<Memory> left = levelTwo(MAYA);
        assertEquals(Set.of(Kind.SESSION, Kind.TOPIC), Set.copyOf(left.stream().map(Memory::kind).toList()));
        Memory rebuilt = left.stream().filter(m -> m.kind() == Kind.TOPIC).findFirst().orElseThrow();
        assertEquals(topic.id(), rebuilt.id());
        assertEquals(1, rebuilt.childIds().size());
        assertEquals(topic.version() + 1, rebuilt.version());
    }

    @Test
    void forgettingATurnRebuildsItsSessionAndTopic() {
        rememberBoth();
        Scope s2 = MAYA.withSession("s2");
        Memory secret = loci.get(s2, loci.remember(s2, call("s", T.plusSeconds(600), SECRET)).ids().get(1))
                .orElseThrow();
        Memory sessionBefore = loci.get(s2, loci.get(s2, secret.parentId()).orElseThrow().parentId()).orElseThrow();

        assertTrue(loci.forget(s2, secret.id()));
        assertNoTrace("zebra");
        Memory sessionAfter = loci.get(s2, sessionBefore.id()).orElseThrow();
        assertEquals(sessionBefore.version() + 1, sessionAfter.version());
        assertTrue(sessionAfter.text().contains("Friday"), "the rest of the session is still summarised");
    }

    @Test
    void forgettingAnEpisodeDropsItFromItsSessionAndRemovesAnEmptySession() {
        rememberBoth();
        Scope s2 = MAYA.withSession("s2");
        Memory turn = loci.get(s2, loci.remember(s2, call("s", T.plusSeconds(600), SECRET)).ids().get(0)).orElseThrow();
        Memory episode = loci.get(s2, turn.parentId()).orElseThrow();
        String session = episode.parentId();

        assertTrue(loci.forget(s2, episode.id()));
        assertTrue(loci.get(s2, session).isEmpty(), "its only episode is gone, so is the session node");
        assertTrue(levelTwo(MAYA).stream().noneMatch(m -> m.childIds().contains(episode.id())));
        assertTrue(levelTwo(MAYA).stream().noneMatch(m -> m.text().contains("locker")),
                "the turns stay, but no summary quotes the forgotten episode");
    }

    @Test
    void purgingTheUserLeavesNoLevelTwoAndSparesOthers() {
        rememberBoth();
        List<Memory> bens = levelTwo(BEN);
        loci.purge(MAYA);
        assertEquals(List.of(), levelTwo(MAYA));
        assertNoTrace("zebra");
        assertEquals(bens, levelTwo(BEN));
    }

    @Test
    void aForgetWhileTheEpisodeIsQueuedNeverBringsItsTextBack() throws Exception {
        Scope s2 = MAYA.withSession("s2");
        store.hold();
        loci.remember(MAYA.withSession("s1"), call("v", T, VIOLIN));
        assertTrue(store.held.await(30, TimeUnit.SECONDS), "the builder waits at the gate");
        String secret = loci.remember(s2, call("s", T.plusSeconds(600), SECRET)).ids().get(1); // queued
        // The forget's one write is the repair of the turn's episode; right after it, the forget
        // waits for the builder to repair level 2. Whichever of them then builds the queued
        // session first, the other finds the forget's outcome.
        var repaired = store.writesBy("forgetting", 1);
        var forgetting = Thread.ofPlatform().name("forgetting").start(() -> loci.forget(s2, secret));
        assertTrue(repaired.await(30, TimeUnit.SECONDS), "the turn and its episode are repaired");
        store.release();
        forgetting.join(30_000);
        await();
        assertNoTrace("zebra");
        assertTrue(levelTwo(s2).stream().anyMatch(m -> m.kind() == Kind.SESSION && m.text().contains("Friday")),
                "the queued episode was built as it is now");
    }
}
