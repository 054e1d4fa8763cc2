package dev.loci.store.elasticsearch;

import static dev.loci.testkit.TestMemories.stored;
import static dev.loci.testkit.TestMemories.turn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Scope;
import dev.loci.spi.StoredMemory;
import dev.loci.testkit.ElasticsearchCluster;
import dev.loci.testkit.HashingEmbedder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Create-only writes ({@link dev.loci.spi.SharedStore}) from two store instances over one index, as
 * two Loci servers have: of the same ids created at once, each is won by exactly one instance.
 */
@ExtendWith(ElasticsearchCluster.class)
class SharedCreateIT {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final HashingEmbedder EMBEDDER = new HashingEmbedder(64);

    @Test
    void concurrentCreatesOfTheSameIdsEachWinOnce() throws Exception {
        String index = TestIndices.fresh("create");
        try (var a = ElasticsearchMemoryStore.open(TestIndices.config(index).build());
             var b = ElasticsearchMemoryStore.open(TestIndices.config(index).build());
             ExecutorService pool = Executors.newFixedThreadPool(4)) {
            Scope scope = Scope.user("acme", "maya");
            List<StoredMemory> batch = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                batch.add(stored(turn("t" + i, scope, "Maya", "message number " + i, T0.plusSeconds(i)), EMBEDDER));
            }
            // four creators (two per instance), each over the batch in its own order
            List<Future<Set<String>>> lost = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                var store = c % 2 == 0 ? a : b;
                var order = new ArrayList<>(batch);
                Collections.shuffle(order, new java.util.Random(c));
                Callable<Set<String>> create = () -> store.create(order);
                lost.add(pool.submit(create));
            }
            int won = 0;
            for (Future<Set<String>> f : lost) {
                won += batch.size() - f.get().size();
            }
            assertEquals(batch.size(), won, "each id is created by exactly one of the four");
            Set<String> ids = new HashSet<>();
            batch.forEach(s -> ids.add(s.memory().id()));
            assertEquals(ids, a.existing("acme", ids), "every id is there, seen at once by a real-time read");
            assertEquals(ids, b.create(batch), "creating again reports every id as taken");
            assertTrue(a.get("other", "t1").isEmpty(), "another tenant's id space is untouched");
        } finally {
            TestIndices.delete(index);
        }
    }
}
