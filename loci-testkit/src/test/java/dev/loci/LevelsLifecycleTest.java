package dev.loci;

import dev.loci.engine.LociEngine;
import static dev.loci.LevelsTest.COOKING;
import static dev.loci.LevelsTest.MAYA;
import static dev.loci.LevelsTest.T;
import static dev.loci.LevelsTest.VIOLIN;
import static dev.loci.LevelsTest.VIOLIN_AGAIN;
import static dev.loci.LevelsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.internal.hierarchy.SessionTopicBuilder;
import dev.loci.spi.SearchFilter;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The background builder's queue, shutdown and recovery: nothing acknowledged is lost. */
class LevelsLifecycleTest {
    private final GatedStore store = new GatedStore();
    private final List<Loci> opened = new ArrayList<>();

    private Loci open(int queueCapacity) {
        LociConfig d = LociConfig.defaults();
        Loci loci = LociEngine.builder().embedder(new HashingEmbedder()).store(store).clock(new ManualClock(T))
                .random(new Random(1)).config(d.withConsolidation(d.consolidation().withQueueCapacity(queueCapacity)))
                .build();
        opened.add(loci);
        return loci;
    }

    @AfterEach
    void closeAll() {
        store.release();
        opened.forEach(Loci::close);
    }

    private List<Memory> sessions() {
        return store.delegate.list(new SearchFilter(MAYA, Set.of(Kind.SESSION), null, Map.of()), 1000);
    }

    private List<Memory> episodes(Scope scope) {
        return store.delegate.list(new SearchFilter(scope, Set.of(Kind.EPISODE), null, Map.of()), 1000);
    }

    private void assertEverySessionComplete(int expectedSessions) {
        List<Memory> nodes = sessions();
        assertEquals(expectedSessions, nodes.size(), nodes.toString());
        for (Memory node : nodes) {
            assertEquals(episodes(node.scope()).stream().map(Memory::id).toList(), node.childIds(),
                    "every episode of " + node.scope());
        }
    }

    private void awaitHeld() throws InterruptedException {
        assertTrue(store.held.await(30, TimeUnit.SECONDS), "the builder reached the store");
    }

    @Test
    void aFullQueueMakesTheCallerBuildItsOwnLevelTwo() throws Exception {
        Loci loci = open(1);
        store.hold();
        loci.remember(MAYA.withSession("s1"), call("a", T, VIOLIN));
        awaitHeld(); // the builder holds s1's nodes at the gate
        loci.remember(MAYA.withSession("s2"), call("b", T.plusSeconds(60), COOKING)); // fills the queue
        Thread caller;
        var full = new CallerBuilds("caller");
        try {
            caller = Thread.ofPlatform().name("caller").start(() ->
                    loci.remember(MAYA.withSession("s3"), call("c", T.plusSeconds(120), VIOLIN_AGAIN)));
            assertTrue(full.queueFull.await(30, TimeUnit.SECONDS), "the third call finds the queue full");
        } finally {
            full.close();
        }
        assertTrue(caller.isAlive(), "the third call waits: it builds its own level 2, behind the builder");
        store.release();
        caller.join(30_000);
        assertTrue(loci.awaitConsolidation(Duration.ofSeconds(30)));

        assertTrue(store.levelTwoWriters.contains("caller"), "built on the calling thread: " + store.levelTwoWriters);
        assertTrue(store.levelTwoWriters.stream().anyMatch(n -> n.startsWith("loci-consolidator-")),
                "and the rest in the background: " + store.levelTwoWriters);
        assertEverySessionComplete(3);
    }

    /**
     * Listens, while open, for the builder's note that a remember call on the named thread found
     * the queue full and builds its own level 2: from then on that call's outcome is settled,
     * whenever the builder moves on.
     */
    private static final class CallerBuilds extends Handler implements AutoCloseable {
        private final Logger logger = Logger.getLogger(SessionTopicBuilder.class.getName());
        private final Level level = logger.getLevel();
        private final String thread;
        final CountDownLatch queueFull = new CountDownLatch(1);

        CallerBuilds(String thread) {
            this.thread = thread;
            logger.setLevel(Level.FINE);
            logger.addHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            if (thread.equals(Thread.currentThread().getName()) && record.getMessage().contains("queue is full")) {
                queueFull.countDown();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
            logger.setLevel(level);
        }
    }

    @Test
    void closeFinishesWhatIsQueued() throws Exception {
        Loci loci = open(64);
        store.hold();
        loci.remember(MAYA.withSession("s1"), call("a", T, VIOLIN));
        awaitHeld();
        loci.remember(MAYA.withSession("s2"), call("b", T.plusSeconds(60), COOKING));
        loci.remember(MAYA.withSession("s1"), call("c", T.plusSeconds(120), VIOLIN_AGAIN));
        var closer = Thread.ofPlatform().start(loci::close);
        store.release();
        closer.join(60_000);
        assertEverySessionComplete(2);
    }

    @Test
    void levelTwoMissedByAFailureOrACrashIsCaughtUpByTheSessionsNextEpisode() {
        Loci first = open(64);
        store.failLevelTwo(true);
        first.remember(MAYA.withSession("s1"), call("a", T, VIOLIN));
        assertTrue(first.awaitConsolidation(Duration.ofSeconds(30)), "a failure does not stall the queue");
        assertEquals(List.of(), sessions(), "nothing built, but the turns and episodes are stored");
        first.close(); // as if the process had died with level 2 behind

        store.failLevelTwo(false);
        Loci second = open(64);
        second.remember(MAYA.withSession("s1"), call("b", T.plusSeconds(60), COOKING));
        assertTrue(second.awaitConsolidation(Duration.ofSeconds(30)));
        assertEverySessionComplete(1);
        Memory session = sessions().get(0);
        assertEquals(2, session.childIds().size(), "the missed episode is in");
        List<Memory> topics = store.delegate.list(new SearchFilter(MAYA, Set.of(Kind.TOPIC), null, Map.of()), 100);
        assertEquals(Set.copyOf(session.childIds()),
                Set.copyOf(topics.stream().flatMap(t -> t.childIds().stream()).toList()), "and in a topic");

        Loci third = open(64); // a restart with the nodes in place: versions continue
        third.remember(MAYA.withSession("s1"), call("c", T.plusSeconds(120), VIOLIN_AGAIN));
        assertTrue(third.awaitConsolidation(Duration.ofSeconds(30)));
        assertEquals(session.version() + 1, sessions().get(0).version());
        assertEverySessionComplete(1);
    }
}
