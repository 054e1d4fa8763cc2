package dev.loci.store.elasticsearch;

import static dev.loci.testkit.TestMemories.stored;
import static dev.loci.testkit.TestMemories.turn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.spi.MemoryCodec;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.StoreHit;
import dev.loci.testkit.ElasticsearchCluster;
import dev.loci.testkit.HashingEmbedder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An index made by the release before the speaker field (mapping 1, the fixture
 * {@code mapping-1.json}, with a document as that release wrote it: the name in its text) is
 * migrated when a store opens it: the field is added, the version recorded, and both the old
 * document and a new one are found by the speaker's name.
 */
@ExtendWith(ElasticsearchCluster.class)
class MappingMigrationIT {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final HashingEmbedder EMBEDDER = new HashingEmbedder(64);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void anIndexOfMapping1GainsTheSpeakerAndKeepsItsDocumentsFoundByName() throws Exception {
        String index = TestIndices.fresh("mapping1");
        try {
            String mapping1;
            try (InputStream in = MappingMigrationIT.class.getResourceAsStream("/mapping-1.json")) {
                mapping1 = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            send("PUT", "/" + index, mapping1);
            Scope scope = Scope.user("t1", "u1");
            Memory old = turn("old", scope, "Priya", "see you at the lake, Omar", T0);
            float[] vec = EMBEDDER.embedDocuments(List.of(old.text())).get(0).toArray();
            String vector = Arrays.toString(vec);
            long micros = T0.getEpochSecond() * 1_000_000L;
            send("PUT", "/" + index + "/_doc/2:t1:old?routing=t1&refresh=true", """
                    {"tenant": "t1", "id": "old", "user": "u1", "kind": "%s", "occurred": %d, "recorded": %d,
                     "text": "priya see you lake omar", "vec": %s, "record": "%s", "accessCount": 0}
                    """.formatted(Kind.TURN.name(), micros, micros, vector,
                    Base64.getEncoder().encodeToString(MemoryCodec.encode(old))));

            try (var store = ElasticsearchMemoryStore.open(TestIndices.config(index).build())) {
                String mapping = send("GET", "/" + index + "/_mapping", null);
                assertTrue(mapping.contains("\"loci_mapping_version\":2"), mapping);
                assertTrue(mapping.contains("\"speaker\":{") && mapping.contains("\"norms\":false"), mapping);
                store.write(List.of(stored(turn("new", scope, "Priya", "Thanks!", T0.plusSeconds(60)), EMBEDDER)));
                assertEquals(Set.of("old", "new"), lexicalIds(store, scope, "Priya"),
                        "the old document by the name in its text, the new one by its speaker field");
                assertEquals("old", store.get("t1", "old").orElseThrow().id(), "the old document reads back");
            }
            try (var again = ElasticsearchMemoryStore.open(TestIndices.config(index).build())) {
                assertEquals(Set.of("old", "new"), lexicalIds(again, scope, "Priya"), "a migrated index opens as version 2");
            }
        } finally {
            TestIndices.delete(index);
        }
    }

    private static Set<String> lexicalIds(ElasticsearchMemoryStore store, Scope scope, String text) {
        return store.search(new SearchRequest(SearchFilter.of(scope), text, null, 10, 0)).lexical().stream()
                .map(StoreHit::id).collect(Collectors.toSet());
    }

    private static String send(String method, String path, String body) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(ElasticsearchCluster.url() + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() < 300, method + " " + path + ": " + response.statusCode() + " " + response.body());
        return response.body();
    }
}
