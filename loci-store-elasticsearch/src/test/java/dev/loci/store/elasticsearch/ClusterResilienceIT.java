package dev.loci.store.elasticsearch;

import static dev.loci.testkit.TestMemories.stored;
import static dev.loci.testkit.TestMemories.turn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.StorageException;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchHits;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.StoreHit;
import dev.loci.spi.StoredMemory;
import dev.loci.testkit.ElasticsearchCluster;
import dev.loci.testkit.HashingEmbedder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cluster, not one node: seeded cross-tenant reads never leak, and a {@code kill -9} of the
 * elected master during writes loses no acknowledged write while searches keep answering.
 */
@ExtendWith(ElasticsearchCluster.class)
class ClusterResilienceIT {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final HashingEmbedder EMBEDDER = new HashingEmbedder(64);
    private static String index;
    private static ElasticsearchMemoryStore store;

    @BeforeAll
    static void open() {
        index = TestIndices.fresh("cluster");
        store = ElasticsearchMemoryStore.open(TestIndices.config(index).build());
    }

    @AfterAll
    static void close() {
        store.close();
        TestIndices.delete(index);
    }

    /** Seeded tenants whose memory ids collide: every read API stays inside its scope. */
    @Test
    void randomizedCrossTenantReadsNeverLeak() {
        var random = new Random(42);
        String[] words = {"cat", "dog", "paris", "violin", "salary", "doctor", "garden", "exam", "trip", "cake"};
        var batch = new ArrayList<StoredMemory>();
        var all = new ArrayList<Memory>();
        for (int i = 0; i < 400; i++) {
            // ids repeat across tenants on purpose: "m17" exists in several tenants
            var scope = Scope.user("x" + random.nextInt(7), "u" + random.nextInt(4));
            Memory m = turn("m" + random.nextInt(150), scope, "x",
                    words[random.nextInt(words.length)] + " " + words[random.nextInt(words.length)], T0.plusSeconds(i));
            all.removeIf(o -> o.id().equals(m.id()) && o.scope().tenant().equals(m.scope().tenant()));
            all.add(m);
            batch.add(stored(m, EMBEDDER));
        }
        store.write(batch);
        int leaks = 0;
        int checks = 0;
        for (int q = 0; q < 60; q++) {
            String tenant = "x" + random.nextInt(7);
            var scope = random.nextBoolean() ? Scope.tenant(tenant) : Scope.user(tenant, "u" + random.nextInt(4));
            String text = words[random.nextInt(words.length)];
            SearchHits hits = store.search(new SearchRequest(SearchFilter.of(scope), text, EMBEDDER.embedQuery(text), 200, 200));
            var ids = new HashSet<String>();
            hits.lexical().forEach(h -> ids.add(h.id()));
            hits.dense().forEach(h -> ids.add(h.id()));
            for (String id : ids) {
                checks++;
                Memory m = store.get(tenant, id).orElse(null);
                if (m == null || !scope.covers(m.scope())) {
                    leaks++;
                }
            }
            Set<String> expected = new HashSet<>();
            all.stream().filter(m -> scope.covers(m.scope())).forEach(m -> expected.add(m.id()));
            assertEquals(expected, new HashSet<>(hits.dense().stream().map(StoreHit::id).toList()),
                    "dense sees exactly the scope, query " + q);
            assertEquals(expected.size(), store.count(SearchFilter.of(scope)), "count, query " + q);
            for (Memory m : store.list(SearchFilter.of(scope), 500)) {
                checks++;
                if (!scope.covers(m.scope())) {
                    leaks++;
                }
            }
            var probe = List.of("m" + random.nextInt(150), "m" + random.nextInt(150), "m" + random.nextInt(150));
            Set<String> inTenant = new HashSet<>();
            all.stream().filter(m -> m.scope().tenant().equals(tenant) && probe.contains(m.id()))
                    .forEach(m -> inTenant.add(m.id()));
            assertEquals(inTenant, store.existing(tenant, probe), "existing, query " + q);
            assertEquals(inTenant, store.vectors(tenant, probe).keySet(), "vectors, query " + q);
        }
        assertTrue(checks > 1000, "enough reads checked: " + checks);
        assertEquals(0, leaks, "memories of another scope returned, out of " + checks + " checked");
    }

    /**
     * Writers keep writing while the elected master is killed with SIGKILL; every write that
     * returned is there afterwards, searches answer throughout; the node is started again.
     */
    @Test
    void killingTheMasterDuringWritesLosesNoAcknowledgedWrite() throws Exception {
        var scope = Scope.user("kill", "u1");
        var acknowledged = new ArrayList<String>();
        long killAt = 40;
        String master = catMaster();
        int node = Integer.parseInt(master.substring("node-".length()));
        long pid = ElasticsearchCluster.pid(node);
        boolean killed = false;
        try {
            writeThroughTheKill(scope, acknowledged, pid, killAt);
            killed = true;
        } finally {
            // the node comes back (and the cluster turns green) whatever the assertions say
            ElasticsearchCluster.script("start", "--nodes", String.valueOf(ElasticsearchCluster.NODES), "--heap", "384m");
        }
        assertTrue(killed);
        assertEquals(new HashSet<>(acknowledged), store.existing("kill", acknowledged), "no acknowledged write lost");
        assertEquals(acknowledged.size(), store.count(SearchFilter.of(scope)), "after the node is back");
    }

    private void writeThroughTheKill(Scope scope, List<String> acknowledged, long pid, long killAt) throws Exception {
        int searchFailures = 0;
        int searches = 0;
        int retried = 0;
        for (int i = 0; i < 120; i++) {
            if (i == killAt) {
                ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL
            }
            var batch = List.of(stored(turn("k" + i, scope, "Anna", "note number " + i + " about the kill", T0), EMBEDDER));
            for (int attempt = 0; ; attempt++) {
                try {
                    store.write(batch);
                    acknowledged.add("k" + i);
                    break;
                } catch (StorageException e) {
                    assertTrue(e.isRetriable(), "a node loss is retriable: " + e.getMessage());
                    assertTrue(attempt < 30, "write " + i + " kept failing: " + e.getMessage());
                    retried++;
                    Thread.sleep(500);
                }
            }
            if (i % 5 == 0) {
                searches++;
                try {
                    var hits = store.search(new SearchRequest(SearchFilter.of(scope), "kill note",
                            EMBEDDER.embedQuery("kill note"), 10, 10));
                    assertTrue(!hits.dense().isEmpty(), "search answers");
                } catch (StorageException e) {
                    searchFailures++;
                }
            }
        }
        assertEquals(new HashSet<>(acknowledged), store.existing("kill", acknowledged), "no acknowledged write lost");
        assertEquals(acknowledged.size(), store.count(SearchFilter.of(scope)), "every acknowledged write searchable");
        assertEquals(0, searchFailures, "searches failed out of " + searches + " (writes retried " + retried + ")");
    }

    private static String catMaster() throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ElasticsearchCluster.url()
                + "/_cat/master?h=node")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return response.body().strip();
    }
}
