package dev.loci.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.loci.Memory;
import dev.loci.Message;
import dev.loci.Scope;
import dev.loci.StorageException;
import dev.loci.json.LociJson;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries against a scripted server on loopback that answers a given sequence of statuses and
 * counts attempts: idempotent calls are retried through 503 and 429 with the configured (tiny)
 * backoff, writes that are not idempotent are sent once, Retry-After is honoured.
 */
class ClientRetryTest {
    static final Scope MAYA = Scope.user("acme", "maya");
    static final Memory MEMORY = Memory.builder().id("m1").scope(MAYA).kind(dev.loci.Kind.TURN).text("Hello.")
            .occurredAt(Instant.parse("2024-03-02T18:10:00Z")).recordedAt(Instant.parse("2024-03-02T18:10:01Z"))
            .build();

    HttpServer server;
    final AtomicInteger attempts = new AtomicInteger();
    final Deque<Integer> script = new ArrayDeque<>();
    volatile String retryAfter;
    volatile String okBody = LociJson.compact(LociJson.memory(MEMORY));

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange ex) throws IOException {
        attempts.incrementAndGet();
        ex.getRequestBody().readAllBytes();
        Integer status;
        synchronized (script) {
            status = script.isEmpty() ? 200 : script.poll();
        }
        byte[] body = (status == 200 ? okBody : "{\"type\":\"urn:loci:problem:unavailable\",\"status\":" + status
                + ",\"detail\":\"busy\"}").getBytes(StandardCharsets.UTF_8);
        if (status != 200 && retryAfter != null) {
            ex.getResponseHeaders().add("Retry-After", retryAfter);
        }
        ex.getResponseHeaders().add("Content-Type", status == 200 ? "application/json" : "application/problem+json");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    LociClient.Builder client() {
        return LociClient.builder().baseUrl("http://127.0.0.1:" + server.getAddress().getPort()).apiKey("loci_k_s")
                .maxRetries(3).backoffBase(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5));
    }

    void script(Integer... statuses) {
        synchronized (script) {
            script.addAll(List.of(statuses));
        }
    }

    @Test
    void aGetIsRetriedThrough503() {
        script(503);
        try (LociClient c = client().build()) {
            assertEquals(MEMORY, c.get(MAYA, "m1").orElseThrow());
        }
        assertEquals(2, attempts.get());
    }

    @Test
    void retriesStopAfterMaxRetriesWithARetriableStorageException() {
        script(503, 429, 503, 503, 503);
        try (LociClient c = client().build()) {
            var e = assertThrows(StorageException.class, () -> c.history(MAYA, "m1"));
            assertTrue(e.isRetriable());
        }
        assertEquals(4, attempts.get(), "one attempt and three retries");
    }

    @Test
    void rememberWithoutClientIdsIsSentOnce() {
        script(503);
        try (LociClient c = client().build()) {
            var e = assertThrows(StorageException.class,
                    () -> c.remember(MAYA, List.of(Message.of("Maya", "Hello.", null))));
            assertTrue(e.isRetriable(), "the caller may retry, knowing whether it is safe");
        }
        assertEquals(1, attempts.get());
    }

    @Test
    void rememberWithEveryClientIdIsRetried() {
        script(503);
        okBody = "{\"added\":1,\"skipped\":0,\"ids\":[\"m1\"]}";
        try (LociClient c = client().build()) {
            var r = c.remember(MAYA, List.of(Message.of("Maya", "Hello.", null).withClientId("c1")));
            assertEquals(List.of("m1"), r.ids());
        }
        assertEquals(2, attempts.get());
    }

    @Test
    void anUpdateIsNotRetried() {
        script(503);
        try (LociClient c = client().build()) {
            assertThrows(StorageException.class, () -> c.update(MAYA, "m1", "new"));
        }
        assertEquals(1, attempts.get());
    }

    @Test
    void retryAfterIsHonouredUpToMaxBackoff() {
        script(503, 503);
        retryAfter = "2";
        List<Duration> waits = new CopyOnWriteArrayList<>();
        try (LociClient c = client().maxBackoff(Duration.ofSeconds(30)).sleeper(waits::add).build()) {
            c.get(MAYA, "m1");
        }
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2)), waits);

        waits.clear();
        script(503);
        try (LociClient c = client().maxBackoff(Duration.ofMillis(500)).sleeper(waits::add).build()) {
            c.get(MAYA, "m1");
        }
        assertEquals(List.of(Duration.ofMillis(500)), waits, "capped by maxBackoff");
    }

    @Test
    void backoffGrowsExponentiallyWithJitter() {
        script(503, 503, 503);
        List<Duration> waits = new CopyOnWriteArrayList<>();
        try (LociClient c = client().backoffBase(Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(10))
                .sleeper(waits::add).build()) {
            c.get(MAYA, "m1");
        }
        assertEquals(3, waits.size());
        for (int i = 0; i < 3; i++) {
            long ms = waits.get(i).toMillis();
            long full = 100L << i;
            assertTrue(ms >= full / 2 && ms <= full, "attempt " + i + " waited " + ms + " ms, expected in ["
                    + full / 2 + ", " + full + "]");
        }
    }
}
