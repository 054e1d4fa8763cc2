package dev.loci.store.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Message;
import dev.loci.Scope;
import dev.loci.engine.LociEngine;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.testkit.ElasticsearchCluster;
import dev.loci.testkit.HashingEmbedder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two engines, each with its own client of one index on the real 3-node cluster, reinforce the same
 * fact at the same moment: engine A is stopped just before its conditional rewrite of "I live in
 * Boston" while engine B reinforces it to the end. The cluster refuses A's write (the fact's
 * {@code _seq_no} moved), A reads the fact again and adds its turn to B's version: the fact keeps
 * all three turns as sources.
 */
@ExtendWith(ElasticsearchCluster.class)
class SharedFactsIT {
    private static final Scope MAYA = Scope.user("acme", "maya");
    private static final Instant T = Instant.parse("2024-06-01T09:00:00Z");

    @Test
    void twoServersReinforcingOneFactKeepBothSources() {
        String index = TestIndices.fresh("shared-facts");
        try (var storeA = ElasticsearchMemoryStore.open(TestIndices.config(index).build());
             var storeB = ElasticsearchMemoryStore.open(TestIndices.config(index).build())) {
            try (var setup = engine(new SharedForgetIT.Unclosed(storeB))) {
                setup.remember(MAYA, List.of(said("I live in Boston.", T, "m1")));
            }
            Map<String, String> figures;
            try (var b = engine(new SharedForgetIT.Unclosed(storeB))) {
                var pausing = new SharedForgetIT.PausingStore(storeA, Kind.FACT,
                        () -> b.remember(MAYA, List.of(said("I live in Boston now.", T.plus(Duration.ofDays(1)), "m2"))));
                try (var a = engine(pausing)) {
                    a.remember(MAYA, List.of(said("I live in Boston, still.", T.plus(Duration.ofDays(2)), "m3")));
                    figures = a.stats().details();
                }
                assertTrue(pausing.paused, "engine A stopped before rewriting the fact");
            }
            List<Memory> facts = storeA.list(new SearchFilter(MAYA, Set.of(Kind.FACT), null, Map.of()), 10);
            assertEquals(1, facts.size(), "one fact: " + facts);
            List<Memory> turns = storeA.list(new SearchFilter(MAYA, Set.of(Kind.TURN), null, Map.of()), 10);
            assertEquals(3, turns.size());
            assertEquals(Set.copyOf(turns.stream().map(Memory::id).toList()), Set.copyOf(facts.get(0).sourceIds()),
                    "every turn a source of the fact");
            assertEquals(0.7, facts.get(0).importance(), 1e-9);
            assertEquals("1", figures.get("writes.conflicts.fact"), "the cluster refused A's rewrite once");
            assertEquals("1", figures.get("writes.retries.fact"));
        } finally {
            TestIndices.delete(index);
        }
    }

    private static Message said(String text, Instant at, String clientId) {
        return new Message("user", "Maya", text, at, clientId, null);
    }

    private static LociEngine engine(MemoryStore store) {
        return LociEngine.builder().embedder(new HashingEmbedder()).store(store).build();
    }
}
