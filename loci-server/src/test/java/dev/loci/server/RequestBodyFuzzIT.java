package dev.loci.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Loci;
import dev.loci.testkit.Mutator;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of every JSON request body of the REST API against a real server on a loopback
 * port: valid bodies mutated value by value (wrong types, sizes, depths, control characters) and
 * byte by byte (broken syntax, invalid UTF-8). Every answer is a success or a problem document
 * with a 4xx status, never a 5xx and never a stack trace. Small budget here; {@code scripts/fuzz}
 * runs a long one.
 */
class RequestBodyFuzzIT {
    /** Method, path and a valid body of each endpoint that takes one. */
    private record Endpoint(String method, String path, String body) {
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", "/v1/memories", """
                    {"userId": "maya", "sessionId": "s1", "messages": [{"text": "I adopted a dog", "speaker": "Maya",
                     "role": "user", "timestamp": "2024-03-02T18:10:00Z", "id": "m1", "metadata": {"channel": "chat"},
                     "expiresAt": "2999-01-01T00:00:00Z", "pinned": false}]}"""),
            new Endpoint("POST", "/v1/memories/search", """
                    {"query": "dog", "userId": "maya", "k": 5, "kinds": ["TURN"], "from": "2024-01-01T00:00:00Z",
                     "to": "2025-01-01T00:00:00Z", "metadata": {"channel": "chat"}, "asOf": "2024-06-01T00:00:00Z"}"""),
            new Endpoint("POST", "/v1/context", """
                    {"query": "what pet", "userId": "maya", "budget": 200, "k": 5}"""),
            new Endpoint("POST", "/v1/memories/forget", """
                    {"userId": "maya", "kinds": ["TURN"], "to": "2024-01-01T00:00:00Z", "metadata": {"a": "b"}}"""),
            new Endpoint("PATCH", "/v1/memories/some-id", """
                    {"text": "new text"}"""),
            new Endpoint("PUT", "/v1/memories/some-id/pinned", """
                    {"pinned": true}"""));

    @TempDir
    static Path dir;
    static LociServer server;
    static Http http;

    @BeforeAll
    static void start() {
        ApiKeys keys = ApiKeys.open(dir);
        Loci engine = TestServers.fakeEngine();
        server = LociServer.start(engine, ServerOptions.defaults().withPort(0).withApiKeys(keys));
        http = new Http(server.port(), keys.create("acme", Role.WRITE).token());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void noBodyGetsA5xxOrAStackTrace() {
        for (Endpoint e : ENDPOINTS) {
            var seed = http.send(e.method(), e.path(), e.body().getBytes(java.nio.charset.StandardCharsets.UTF_8), b -> { });
            assertTrue(seed.status() < 500, e.path() + " with its valid body: " + seed.status() + " " + seed.body());
        }
        Mutator.run("rest-bodies", 300, m -> {
            Endpoint e = ENDPOINTS.get(m.random().nextInt(ENDPOINTS.size()));
            byte[] body = m.mutateJsonBytes(e.body());
            var r = http.send(e.method(), e.path(), body, b -> { });
            String what = e.method() + " " + e.path() + " " + new String(body, java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(r.status() < 500, r.status() + " for " + what + ": " + r.body());
            if (r.status() >= 400) {
                assertEquals("application/problem+json", r.contentType(), what);
                assertFalse(r.body().contains("\tat ") || r.body().contains("Exception"), r.body());
            }
        });
    }
}
