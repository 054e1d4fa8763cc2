package dev.loci.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.embedded.EmbeddedLoci;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over the real embedded engine (ONNX model, Lucene store), opened in the background as `serve` does. */
class EmbeddedServerIT {
    @TempDir
    Path dir;

    @Test
    void rememberAndRecallWithTheRealModel() throws Exception {
        ApiKeys keys = ApiKeys.open(dir);
        String key = keys.create("acme", Role.ADMIN).token();
        try (LociServer server = LociServer.startOpening(() -> EmbeddedLoci.open(dir.resolve("data"),
                        dev.loci.embedded.EmbeddedOptions.defaults(),
                        model -> BatchingEmbedder.wrap(model, BatchingEmbedder.Config.defaults())), // as serve does
                ServerOptions.defaults().withPort(0).withApiKeys(keys))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!server.isReady() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Http http = new Http(server.port(), key);
            assertEquals(200, http.get("/ready").status());
            var added = http.post("/v1/memories", """
                    {"userId":"maya","sessionId":"2024-03-02","messages":[
                     {"clientId":"msg-1","speaker":"Maya","text":"We adopted a greyhound and called her Biscuit.",
                      "timestamp":"2024-03-02T18:10:00Z"},
                     {"clientId":"msg-2","speaker":"Maya","text":"I'm seriously allergic to peanuts.",
                      "timestamp":"2024-03-02T18:12:00Z"}]}""");
            assertEquals(201, added.status(), added.body());
            var found = http.post("/v1/memories/search", "{\"userId\":\"maya\",\"query\":\"What is the dog called?\",\"k\":1}");
            assertEquals(200, found.status(), found.body());
            assertTrue(found.json().get("results").get(0).get("text").asText().contains("Biscuit"), found.body());
            var stats = http.get("/v1/stats");
            assertTrue(stats.json().get("memories").asLong() >= 2, stats.body());
            assertTrue(stats.json().get("embedder").asText().contains("bge"), stats.body());

            String metrics = http.withKey(null).get("/metrics").body();
            // the remember call's two texts went to the model as one batch (queries are not batched) and were fsynced
            assertEquals(2, metric(metrics, "loci_embedder_texts_total"), metrics);
            assertEquals(1, metric(metrics, "loci_embedder_batches_total"), metrics);
            assertTrue(metric(metrics, "loci_wal_fsync_seconds_count") >= 1, metrics);
            assertTrue(metric(metrics, "loci_wal_fsync_seconds_sum") > 0, metrics);
            assertTrue(metric(metrics, "loci_consolidation_queued") >= 0, metrics);
            assertEquals(0, metric(metrics, "loci_embedder_queued"), metrics);
        }
    }

    /** The value of an untagged metric in Prometheus text format; fails if it is absent or not a number. */
    private static double metric(String scrape, String name) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).strip());
            }
        }
        throw new AssertionError(name + " is not in /metrics:\n" + scrape);
    }
}
