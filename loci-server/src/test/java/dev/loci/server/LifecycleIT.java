package dev.loci.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Loci;
import dev.loci.engine.LociEngine;
import dev.loci.spi.Embedder;
import dev.loci.spi.Embedding;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.InMemoryStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 503 while starting and stopping, 429 when the work queue is full, close() drains requests in flight. */
class LifecycleIT {
    @TempDir
    Path dir;

    /** An embedder whose document calls wait at a gate the test opens. */
    static final class GatedEmbedder implements Embedder {
        final HashingEmbedder inner = new HashingEmbedder();
        final Semaphore entered = new Semaphore(0);
        final CountDownLatch gate = new CountDownLatch(1);

        @Override
        public int dimensions() {
            return inner.dimensions();
        }

        @Override
        public String modelId() {
            return inner.modelId();
        }

        @Override
        public List<Embedding> embedDocuments(List<String> texts) {
            entered.release();
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return inner.embedDocuments(texts);
        }

        @Override
        public Embedding embedQuery(String text) {
            return inner.embedQuery(text);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void unavailableWhileStartingThenReady() throws Exception {
        CountDownLatch open = new CountDownLatch(1);
        ApiKeys keys = ApiKeys.open(dir);
        String key = keys.create("acme", Role.READ).token();
        try (LociServer server = LociServer.startOpening(() -> {
            try {
                open.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return TestServers.fakeEngine();
        }, ServerOptions.defaults().withPort(0).withApiKeys(keys))) {
            Http http = new Http(server.port(), key);
            assertEquals(200, http.get("/health").status());
            assertEquals(503, http.get("/ready").status());
            var early = http.get("/v1/memories/count");
            assertEquals(503, early.status());
            assertEquals("application/problem+json", early.contentType());
            open.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!server.isReady() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(200, http.get("/ready").status());
            assertEquals(200, http.get("/v1/memories/count").status());
        }
    }

    @Test
    void fullQueueIs429AndCloseDrains() throws Exception {
        GatedEmbedder embedder = new GatedEmbedder();
        Loci engine = LociEngine.builder().embedder(embedder).store(new InMemoryStore()).build();
        ApiKeys keys = ApiKeys.open(dir);
        String key = keys.create("acme", Role.WRITE).token();
        LociServer server = LociServer.start(engine, ServerOptions.defaults().withPort(0).withApiKeys(keys)
                .withMaxPendingRequests(1).withDrainTimeout(Duration.ofSeconds(20)));
        Http http = new Http(server.port(), key);
        CompletableFuture<Http.Exchange> slow = CompletableFuture.supplyAsync(() ->
                http.post("/v1/memories", "{\"messages\":[{\"text\":\"held at the gate\"}]}"));
        assertTrue(embedder.entered.tryAcquire(10, TimeUnit.SECONDS), "first request never reached the engine");

        var rejected = http.post("/v1/memories/search", "{\"query\":\"anything\"}");
        assertEquals(429, rejected.status(), rejected.body());
        assertEquals("urn:loci:problem:overloaded", rejected.json().get("type").asText());

        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        Thread.sleep(200);
        assertTrue(!closing.isDone(), "close() must wait for the request in flight");
        embedder.gate.countDown();
        assertEquals(201, slow.get(20, TimeUnit.SECONDS).status(), "the request in flight completes");
        closing.get(20, TimeUnit.SECONDS);
    }
}
