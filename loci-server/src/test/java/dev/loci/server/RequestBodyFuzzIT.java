package dev.loci.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Loci;
import dev.loci.testkit.FuzzCorpus;
import dev.loci.testkit.Mutator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of every JSON request body of the REST API against a real server on a loopback
 * port: valid bodies mutated value by value (wrong types, sizes, depths, control characters) and
 * byte by byte (broken syntax, invalid UTF-8). Every answer is a success or a problem document
 * with a 4xx status, never a 5xx and never a stack trace. Small budget here; {@code scripts/fuzz}
 * runs a long one. The regression corpus of requests is replayed too.
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
            var seed = http.send(e.method(), e.path(), e.body().getBytes(StandardCharsets.UTF_8), b -> { });
            assertTrue(seed.status() < 500, e.path() + " with its valid body: " + seed.status() + " " + seed.body());
        }
        Mutator.run("rest-bodies", 300, m -> {
            Endpoint e = ENDPOINTS.get(m.random().nextInt(ENDPOINTS.size()));
            return request(e.method(), e.path(), m.mutateJsonBytes(e.body()));
        }, (m, request) -> check(request));
    }

    /**
     * The regression corpus (src/test/resources/fuzz-corpus/rest-bodies): each file is a request,
     * its first line the method and path, the rest the body as sent.
     */
    @TestFactory
    Stream<DynamicTest> corpus() {
        return FuzzCorpus.tests("rest-bodies", RequestBodyFuzzIT::check);
    }

    /** A request as a corpus file holds it: "METHOD PATH", a newline, the body's bytes. */
    private static byte[] request(String method, String path, byte[] body) {
        byte[] line = (method + " " + path + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(line, line.length + body.length);
        System.arraycopy(body, 0, out, line.length, body.length);
        return out;
    }

    private static void check(byte[] request) {
        int newline = 0;
        while (newline < request.length && request[newline] != '\n') {
            newline++;
        }
        String[] line = new String(request, 0, newline, StandardCharsets.US_ASCII).split(" ", 2);
        assertEquals(2, line.length, "a corpus request starts with \"METHOD PATH\"");
        byte[] body = Arrays.copyOfRange(request, Math.min(newline + 1, request.length), request.length);
        var r = http.send(line[0], line[1], body, b -> { });
        String what = line[0] + " " + line[1] + " " + new String(body, StandardCharsets.UTF_8);
        assertTrue(r.status() < 500, r.status() + " for " + what + ": " + r.body());
        if (r.status() >= 400) {
            assertEquals("application/problem+json", r.contentType(), what);
            assertFalse(r.body().contains("\tat ") || r.body().contains("Exception"), r.body());
        }
    }
}
