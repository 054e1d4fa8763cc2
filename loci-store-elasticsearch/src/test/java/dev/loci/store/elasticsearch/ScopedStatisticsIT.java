package dev.loci.store.elasticsearch;

import static dev.loci.testkit.TestMemories.stored;
import static dev.loci.testkit.TestMemories.turn;
import static org.junit.jupiter.api.Assertions.assertEquals;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.Jackson3JsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import dev.loci.Scope;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.StoreHit;
import dev.loci.spi.StoredMemory;
import dev.loci.testkit.ElasticsearchCluster;
import dev.loci.testkit.HashingEmbedder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * BM25 on the real 3-node cluster weighs a word by how rare it is among the memories searched: the
 * score of one memory for one word, searched under a user's filter and under a filter that keeps
 * the whole shard, differs by exactly the ratio of the two idfs (the tf part is the same memory's).
 */
@ExtendWith(ElasticsearchCluster.class)
class ScopedStatisticsIT {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final Scope ANNA = Scope.user("t1", "anna");
    private static final Scope BEN = Scope.user("t1", "ben");
    private static final HashingEmbedder EMBEDDER = new HashingEmbedder(16);
    private static String index;
    private static ElasticsearchMemoryStore store;

    @BeforeAll
    static void fill() {
        index = TestIndices.fresh("scoped");
        store = ElasticsearchMemoryStore.open(TestIndices.config(index).build());
        var batch = new ArrayList<StoredMemory>();
        // Anna: "zebra" in 9 of her 10 memories, "apple" in 1; Ben: "apple" in all 100 of his
        for (int i = 0; i < 9; i++) {
            batch.add(stored(turn("zebra" + i, ANNA, null, "the zebra crossing on street " + i, T0), EMBEDDER));
        }
        batch.add(stored(turn("apple", ANNA, null, "an apple from the market", T0), EMBEDDER));
        for (int i = 0; i < 100; i++) {
            batch.add(stored(turn("ben" + i, BEN, null, "apple pie recipe number " + i, T0), EMBEDDER));
        }
        store.write(batch);
    }

    @AfterAll
    static void drop() {
        store.close();
        TestIndices.delete(index);
    }

    @Test
    void aWordWeighsItsIdfAmongTheUsersMemories() {
        // the tenant's filter keeps all 110 memories of the shard: the shard's own statistics
        double whole = score(Scope.tenant("t1"), "apple", "apple");
        double anna = score(ANNA, "apple", "apple");
        double expected = ScopedIdf.idf(10, 1) / ScopedIdf.idf(110, 101);
        assertEquals(expected, anna / whole, 1e-4 * expected, "scoped over shard score of the same memory");
        double zebraWhole = score(Scope.tenant("t1"), "zebra", "zebra0");
        double zebraAnna = score(ANNA, "zebra", "zebra0");
        double zebraExpected = ScopedIdf.idf(10, 9) / ScopedIdf.idf(110, 9);
        assertEquals(zebraExpected, zebraAnna / zebraWhole, 1e-4 * zebraExpected);
    }

    @Test
    void aWordInEveryMemorySearchedWeighsAlmostNothing() {
        // Ben's 100 memories are all that hold "pie": rare-ish among the tenant's 110, in every one of his
        double tenant = score(Scope.tenant("t1"), "pie", "ben7");
        double ben = score(BEN, "pie", "ben7");
        double expected = ScopedIdf.idf(100, 100) / ScopedIdf.idf(110, 100);
        assertEquals(expected, ben / tenant, 1e-4 * expected);
    }

    @Test
    void aFilterKeepingTheWholeShardScoresAsThePlainQuery() throws Exception {
        // a fresh index holds one tenant: its filter keeps every document of the shard
        Map<String, Double> plain = plainScores("zebra appl");
        List<StoreHit> hits = search(Scope.tenant("t1"), "zebra apple");
        assertEquals(110, hits.size());
        assertEquals(plain.size(), hits.size());
        for (StoreHit h : hits) {
            assertEquals(plain.get(h.id()), h.score(), 1e-6, h.id());
        }
    }

    /** The scores of the plain match query the store asked before, asked by a client of its own: id to score. */
    private static Map<String, Double> plainScores(String analysed) throws Exception {
        try (RestClient rest = RestClient.builder(HttpHost.create(ElasticsearchCluster.url())).build()) {
            var client = new ElasticsearchClient(new RestClientTransport(rest, new Jackson3JsonpMapper()));
            var r = client.search(s -> s.index(index).routing("t1").preference("t1").size(200)
                    .query(q -> q.bool(b -> b.must(m -> m.match(t -> t.field(EsDocument.TEXT).query(analysed)
                            .analyzer("whitespace"))).filter(Queries.term(EsDocument.TENANT, "t1"))))
                    .source(src -> src.filter(f -> f.includes(EsDocument.ID))), EsDocument.class);
            var out = new HashMap<String, Double>();
            r.hits().hits().forEach(h -> out.put(h.source().id(), h.score()));
            return out;
        }
    }

    @Test
    void theRareWordAmongTheUsersMemoriesRanksFirst() {
        List<StoreHit> hits = search(ANNA, "zebra apple");
        assertEquals("apple", hits.get(0).id());
        assertEquals(10, hits.size(), "only Anna's memories");
    }

    @Test
    void aWordNoMemorySearchedHoldsMatchesNothing() {
        assertEquals(List.of(), search(ANNA, "pie recipe"));
        assertEquals(100, search(BEN, "pie recipe").size());
    }

    private static double score(Scope scope, String word, String id) {
        return search(scope, word).stream().filter(h -> h.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError(id + " not found for " + word + " in " + scope)).score();
    }

    private static List<StoreHit> search(Scope scope, String text) {
        return store.search(new SearchRequest(SearchFilter.of(scope), text, null, 200, 0)).lexical();
    }
}
