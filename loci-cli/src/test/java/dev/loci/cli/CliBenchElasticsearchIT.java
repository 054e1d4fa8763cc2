package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loci.testkit.ElasticsearchCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loci bench recall --store elasticsearch --beside-embedded} end to end at a tiny size on the
 * real 3-node cluster: one row per store over the same data, every figure present, and no
 * benchmark index left on the cluster afterwards.
 */
@ExtendWith(ElasticsearchCluster.class)
class CliBenchElasticsearchIT {
    @TempDir
    Path dir;

    @Test
    void recallMeasuresTheEmbeddedStoreAndTheClusterInOneRun() throws Exception {
        Path json = dir.resolve("recall.json");
        CliRun run = CliRun.of("bench", "recall", "--sizes", "200", "--queries", "10", "--layout", "tenants",
                "--work-dir", dir.resolve("work").toString(), "--json", json.toString(),
                "--store", "elasticsearch", "--es-hosts", ElasticsearchCluster.hosts(), "--beside-embedded");
        assertEquals(0, run.exit(), run.transcript());
        assertTrue(run.out().contains("embedded, 200 memories") && run.out().contains("elasticsearch, 200 memories"),
                run.out());

        @SuppressWarnings("unchecked")
        Map<String, Object> report = new ObjectMapper().readValue(Files.readString(json), Map.class);
        @SuppressWarnings("unchecked")
        var rows = (List<Map<String, Object>>) report.get("sizes");
        assertEquals(List.of("lucene", "elasticsearch"), rows.stream().map(r -> r.get("store")).toList());
        for (Map<String, Object> row : rows) {
            assertEquals(200, ((Number) row.get("memories")).intValue());
            double ann = ((Number) row.get("annRecallAt10")).doubleValue();
            assertTrue(ann >= 0.9 && ann <= 1.0, "100 candidates per user, 100 fetched: ANN recall " + ann);
            for (String latency : List.of("storeFusion", "endToEnd", "bm25", "knn")) {
                @SuppressWarnings("unchecked")
                var f = (Map<String, Object>) row.get(latency);
                double p50 = ((Number) f.get("p50Ms")).doubleValue();
                double p95 = ((Number) f.get("p95Ms")).doubleValue();
                double p99 = ((Number) f.get("p99Ms")).doubleValue();
                assertTrue(p50 > 0 && p50 <= p95 && p95 <= p99, latency + " " + f);
            }
            @SuppressWarnings("unchecked")
            var qps = (Map<String, Object>) row.get("qps");
            assertEquals(List.of("1", "4", "16"), List.copyOf(qps.keySet()));
            assertTrue(((Number) row.get("buildMemoriesPerSecond")).doubleValue() > 0, row.toString());
        }
        Map<String, Object> cluster = rows.get(1);
        assertEquals(1, ((Number) cluster.get("segments")).intValue(), "the tenant's shard merged to one segment, as the embedded store");
        long onePerMemory = ((Number) cluster.get("bytesPerMemoryOnDisk")).longValue();
        long allPerMemory = ((Number) cluster.get("bytesPerMemoryAllCopies")).longValue();
        assertTrue(onePerMemory > 384, "each memory keeps at least its int8 vector: " + onePerMemory);
        assertTrue(allPerMemory >= 2 * onePerMemory - 64, "one replica doubles it: " + allPerMemory);
        assertTrue(cluster.get("rssAboveFixedBytesPerMemory").toString().startsWith("n/a"), cluster.toString());

        String prefix = ((Map<?, ?>) ((List<?>) report.get("stores")).get(1)).get("indexPrefix").toString();
        var left = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ElasticsearchCluster.url()
                + "/_cat/indices/" + prefix + "*?h=index")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, left.statusCode(), left.body());
        assertEquals("", left.body().strip(), "benchmark indices left on the cluster");
    }
}
