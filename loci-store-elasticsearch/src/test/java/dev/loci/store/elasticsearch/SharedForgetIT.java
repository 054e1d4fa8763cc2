package dev.loci.store.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Message;
import dev.loci.Scope;
import dev.loci.engine.LociEngine;
import dev.loci.spi.ConditionalWrite;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.testkit.ElasticsearchCluster;
import dev.loci.testkit.ForwardingSharedStore;
import dev.loci.testkit.HashingEmbedder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two engines, each with its own client of one index on the real 3-node cluster, forget two turns
 * of one episode at the same moment: engine A is stopped just before its conditional write of the
 * rebuilt episode while engine B forgets the other turn to the end. A's write is refused by the
 * cluster (the episode's {@code _seq_no} moved), A reads the episode again and rebuilds it: neither
 * forgotten turn is in the store or the episode afterwards.
 */
@ExtendWith(ElasticsearchCluster.class)
class SharedForgetIT {
    private static final Scope S1 = new Scope("acme", "maya", null, "s1");
    private static final Instant T = Instant.parse("2024-06-01T09:00:00Z");

    @Test
    void twoForgetsOfOneEpisodeOnTwoServersLeaveNeitherTurn() {
        String index = TestIndices.fresh("shared-forget");
        try (var storeA = ElasticsearchMemoryStore.open(TestIndices.config(index).build());
             var storeB = ElasticsearchMemoryStore.open(TestIndices.config(index).build())) {
            List<Message> said = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                said.add(new Message("user", "Maya", "The violin class rehearses piece number " + i + " for the concert",
                        T.plusSeconds(30L * i), "m" + i, null));
            }
            List<String> turns;
            try (var setup = engine(new Unclosed(storeB))) {
                turns = setup.remember(S1, said).ids();
                assertTrue(setup.awaitConsolidation(Duration.ofSeconds(60)));
            }
            assertEquals(turns, episode(storeA).childIds(), "one episode over the five turns");

            try (var b = engine(new Unclosed(storeB))) {
                var pausing = new PausingStore(storeA, Kind.EPISODE, () -> assertTrue(b.forget(S1, turns.get(1))));
                try (var a = engine(pausing)) {
                    assertTrue(a.forget(S1, turns.get(0)));
                }
                assertTrue(pausing.paused, "engine A stopped before writing the rebuilt episode");
                assertTrue(storeA.get("acme", turns.get(0)).isEmpty());
                assertTrue(storeA.get("acme", turns.get(1)).isEmpty(), "B's forgotten turn is not written back by A");
                assertEquals(turns.subList(2, 5), episode(storeA).childIds(), "the episode holds the rest only");
                assertTrue(pausing.conflicts.get() > 0, "the cluster refused A's episode write");
            }
        } finally {
            TestIndices.delete(index);
        }
    }

    private static Memory episode(MemoryStore store) {
        List<Memory> episodes = store.list(new SearchFilter(S1, Set.of(Kind.EPISODE), null, Map.of()), 10);
        assertEquals(1, episodes.size(), "one episode: " + episodes);
        return episodes.get(0);
    }

    private static LociEngine engine(MemoryStore store) {
        return LociEngine.builder().embedder(new HashingEmbedder()).store(store).build();
    }

    /** A view of a store client that an engine may close without closing the client (closed by the test). */
    static class Unclosed extends ForwardingSharedStore<ElasticsearchMemoryStore> {
        Unclosed(ElasticsearchMemoryStore es) {
            super(es);
        }

        @Override
        public void close() {
        }
    }

    /** Engine A's view: before its first write of a record of {@code kind}, engine B runs. */
    static final class PausingStore extends Unclosed {
        private final Kind kind;
        private final Runnable other;
        volatile boolean paused;

        PausingStore(ElasticsearchMemoryStore es, Kind kind, Runnable other) {
            super(es);
            this.kind = kind;
            this.other = other;
        }

        @Override
        public void write(List<dev.loci.spi.StoredMemory> batch) {
            maybePause(batch.stream().anyMatch(r -> r.memory().kind() == kind));
            super.write(batch);
        }

        @Override
        public void writeIf(List<ConditionalWrite> batch) {
            maybePause(batch.stream().anyMatch(w -> w.record().memory().kind() == kind));
            super.writeIf(batch);
        }

        private void maybePause(boolean matches) {
            if (matches && !paused) {
                paused = true;
                other.run();
            }
        }
    }
}
