package dev.loci;

import dev.loci.engine.LociEngine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.internal.recall.RecallPipeline;
import dev.loci.spi.SearchFilter;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Level 2: session and topic memories built in the background from the episodes ingest writes. */
class LevelsTest {
    static final Scope MAYA = Scope.user("acme", "maya");
    static final Instant T = Instant.parse("2024-03-02T18:00:00Z");
    static final String[] VIOLIN = {
        "I practised the violin scales for an hour before my violin lesson",
        "My violin teacher says my bow hold on the violin is better",
        "Next violin lesson we start the violin concerto by Bach"};
    static final String[] VIOLIN_AGAIN = {
        "The violin concerto is hard but my violin teacher is patient",
        "I played violin scales again and my bow hold felt right",
        "My violin lesson moved to Friday with the same teacher"};
    static final String[] COOKING = {
        "Tonight I cooked a mushroom risotto with fresh thyme",
        "The risotto rice needed far more stock than the recipe said",
        "Next time the risotto gets parmesan and butter at the end"};

    final HashingEmbedder embedder = new HashingEmbedder();
    final GatedStore store = new GatedStore();
    final List<LociEngine> opened = new ArrayList<>();

    LociEngine open(LociConfig config) {
        LociEngine loci = LociEngine.builder().embedder(embedder).store(store).clock(new ManualClock(T)).random(new Random(1))
                .config(config).build();
        opened.add(loci);
        return loci;
    }

    /**
     * Defaults, with a topic threshold for the hashing embedder: its vectors lie further apart
     * than a real model's (the default suits bge-small), so related episodes meet at a lower cosine.
     */
    static LociConfig config() {
        LociConfig d = LociConfig.defaults();
        return d.withConsolidation(d.consolidation().withTopicThreshold(0.6));
    }

    LociEngine open() {
        return open(config());
    }

    @AfterEach
    void closeAll() {
        store.release();
        opened.forEach(LociEngine::close);
    }

    static List<Message> call(String prefix, Instant at, String... texts) {
        var out = new ArrayList<Message>();
        for (int i = 0; i < texts.length; i++) {
            out.add(Message.of("Maya", texts[i], at.plusSeconds(i)).withClientId(prefix + i));
        }
        return out;
    }

    static void await(LociEngine loci) {
        assertTrue(loci.awaitConsolidation(Duration.ofSeconds(30)), "level 2 caught up");
    }

    List<Memory> all(Scope scope, Kind kind) {
        return store.delegate.list(new SearchFilter(scope, Set.of(kind), null, Map.of()), 1000);
    }

    Memory episodeOf(LociEngine loci, Scope scope, String turnId) {
        return loci.get(scope, loci.get(scope, turnId).orElseThrow().parentId()).orElseThrow();
    }

    @Test
    void aSessionNodeSummarisesItsEpisodes() {
        LociEngine loci = open();
        Scope music = MAYA.withSession("music");
        String turn = loci.remember(music, call("m", T, VIOLIN)).ids().get(0);
        await(loci);

        Memory episode = episodeOf(loci, music, turn);
        Memory session = loci.get(music, episode.parentId()).orElseThrow(() -> new AssertionError("no session node"));
        assertEquals(Kind.SESSION, session.kind());
        assertEquals(music, session.scope());
        assertEquals(List.of(episode.id()), session.childIds());
        assertTrue(session.text().contains(episode.text()), "extractive: quotes its central episode");
        assertEquals(episode.occurredAt(), session.occurredAt(), "starts with its first episode");
        assertEquals(1, session.version());
        assertTrue(session.metadata().get("keyphrases").contains("violin"), session.metadata().toString());
    }

    @Test
    void aLaterCallAppendsToTheSessionWithoutEmbeddingAnythingAgain() {
        LociEngine loci = open();
        Scope music = MAYA.withSession("music");
        String first = loci.remember(music, call("a", T, VIOLIN)).ids().get(0);
        await(loci);
        int embedded = embedder.documentCalls();
        String second = loci.remember(music, call("b", T.plusSeconds(600), COOKING)).ids().get(0);
        await(loci);

        assertEquals(embedded + 1, embedder.documentCalls(), "one batch, the second call's turns; level 2 embeds nothing");
        Memory e1 = episodeOf(loci, music, first);
        Memory e2 = episodeOf(loci, music, second);
        assertEquals(e1.parentId(), e2.parentId(), "one node per session");
        Memory session = loci.get(music, e1.parentId()).orElseThrow();
        assertEquals(List.of(e1.id(), e2.id()), session.childIds(), "children oldest first");
        assertEquals(2, session.version(), "rewritten once per change");
        assertTrue(session.text().contains(e1.text()) && session.text().contains(e2.text()), session.text());
    }

    @Test
    void topicsGatherSimilarEpisodesAcrossSessionsAndKeepOthersApart() {
        LociEngine loci = open();
        String violin = loci.remember(MAYA.withSession("s1"), call("v", T, VIOLIN)).ids().get(0);
        String cooking = loci.remember(MAYA.withSession("s2"), call("c", T.plusSeconds(600), COOKING)).ids().get(0);
        String again = loci.remember(MAYA.withSession("s3"), call("w", T.plusSeconds(1200), VIOLIN_AGAIN)).ids().get(0);
        await(loci);

        List<Memory> topics = all(MAYA, Kind.TOPIC);
        assertEquals(2, topics.size(), topics.toString());
        Memory music = topics.stream().filter(t -> t.childIds().size() == 2).findFirst().orElseThrow();
        assertEquals(List.of(episodeOf(loci, MAYA, violin).id(), episodeOf(loci, MAYA, again).id()), music.childIds(),
                "the two violin episodes, across sessions, oldest first");
        Memory food = topics.stream().filter(t -> t != music).findFirst().orElseThrow();
        assertEquals(List.of(episodeOf(loci, MAYA, cooking).id()), food.childIds());
        assertEquals(MAYA, music.scope(), "a topic belongs to the user, not to a session");
        assertEquals(3, all(MAYA, Kind.SESSION).size(), "and each session has its own node");
    }

    @Test
    void aStricterThresholdSplitsTopics() {
        LociEngine loci = open(LociConfig.defaults().withConsolidation(
                LociConfig.defaults().consolidation().withTopicThreshold(0.999)));
        loci.remember(MAYA.withSession("s1"), call("v", T, VIOLIN));
        loci.remember(MAYA.withSession("s3"), call("w", T.plusSeconds(1200), VIOLIN_AGAIN));
        await(loci);
        assertEquals(2, all(MAYA, Kind.TOPIC).size());
    }

    @Test
    void levelTwoStaysOutOfDefaultRecallAndComesWhenAskedFor() {
        LociEngine loci = open();
        loci.remember(MAYA.withSession("s1"), call("v", T, VIOLIN));
        loci.remember(MAYA.withSession("s2"), call("c", T.plusSeconds(600), COOKING));
        await(loci);

        var plain = loci.recall(MAYA, RecallQuery.of("violin teacher").withK(20)).results();
        assertTrue(plain.stream().allMatch(r -> r.memory().kind() == Kind.TURN), "turns only by default");
        var sessions = loci.recall(MAYA, RecallQuery.of("violin teacher").withKinds(Set.of(Kind.SESSION))).results();
        assertEquals(Kind.SESSION, sessions.get(0).memory().kind());
        assertTrue(sessions.get(0).memory().text().contains("violin"), "the violin session ranks first");
        var topics = loci.recall(MAYA, RecallQuery.of("risotto").withKinds(Set.of(Kind.TOPIC))).results();
        assertTrue(topics.get(0).memory().text().contains("risotto"));

        var routed = loci.config().recall().withRouting(1.0);
        var through = loci.recall(MAYA, RecallQuery.of("violin teacher").withK(20)
                .withKinds(Set.of(Kind.TURN, Kind.SESSION)), routed).results();
        assertTrue(through.stream().anyMatch(r -> r.memory().kind() == Kind.SESSION), "sessions were asked for");
        assertTrue(through.stream().filter(r -> r.memory().kind() == Kind.TURN)
                .allMatch(r -> r.signal(RecallPipeline.ROUTE).isPresent()), "every turn is reached by routing");
    }

    @Test
    void recallSeesNewTurnsBeforeLevelTwoCatchesUp() throws InterruptedException {
        LociEngine loci = open();
        store.hold();
        loci.remember(MAYA.withSession("s1"), call("v", T, VIOLIN));
        assertTrue(store.held.await(30, java.util.concurrent.TimeUnit.SECONDS), "the builder reached the store");
        assertFalse(loci.awaitConsolidation(Duration.ZERO), "level 2 is behind");

        var top = loci.recall(MAYA, RecallQuery.of("violin concerto")).results();
        assertEquals("v2", top.get(0).memory().clientId(), "the new turns are found at once");
        assertEquals(List.of(), all(MAYA, Kind.SESSION), "while no session node exists yet");
        store.release();
        await(loci);
        assertEquals(1, all(MAYA, Kind.SESSION).size());
    }

    @Test
    void levelTwoIsOffOnRequestAndEpisodesThenHaveNoParent() {
        LociEngine loci = open(LociConfig.defaults().withConsolidation(LociConfig.defaults().consolidation().withLevels(false)));
        String turn = loci.remember(MAYA.withSession("s1"), call("v", T, VIOLIN)).ids().get(0);
        assertTrue(loci.awaitConsolidation(Duration.ZERO));
        assertEquals(null, episodeOf(loci, MAYA, turn).parentId());
        assertEquals(List.of(), all(MAYA, Kind.SESSION));
        assertEquals(List.of(), all(MAYA, Kind.TOPIC));
        assertNotEquals(List.of(), all(MAYA, Kind.EPISODE));
    }
}
