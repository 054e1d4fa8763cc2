package dev.loci.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Loci;
import dev.loci.MemoryFilter;
import dev.loci.Scope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad requests are each answered with a problem document naming what is wrong, never a 500 or a
 * stack trace, and store nothing.
 */
class BadInputIT {
    @TempDir
    static Path dir;
    static Loci engine;
    static LociServer server;
    static Http http;

    @BeforeAll
    static void start() {
        ApiKeys keys = ApiKeys.open(dir);
        engine = TestServers.fakeEngine();
        server = LociServer.start(engine, ServerOptions.defaults().withPort(0).withApiKeys(keys));
        http = new Http(server.port(), keys.create("acme", Role.WRITE).token());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void nothingStored() {
        assertEquals(0, engine.count(Scope.tenant("acme"), MemoryFilter.all()));
    }

    static Stream<Arguments> badBodies() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        String deepObject = "{\"messages\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
        return Stream.of(
                Arguments.of("malformed", "{\"messages\": [", 400, "messages"),
                Arguments.of("not an object", "[1,2,3]", 400, "body"),
                Arguments.of("null", "null", 400, "body"),
                Arguments.of("empty", "", 400, "body"),
                Arguments.of("trailing garbage", "{\"messages\":[]} {}", 400, "body"),
                Arguments.of("unknown field", "{\"messages\":[{\"text\":\"hi\",\"txt\":\"x\"}]}", 400, "messages[0].txt"),
                Arguments.of("unknown top field", "{\"user_id\":\"maya\",\"messages\":[{\"text\":\"hi\"}]}", 400, "user_id"),
                Arguments.of("number for text", "{\"messages\":[{\"text\":42}]}", 400, "messages[0].text"),
                Arguments.of("string for list", "{\"messages\":\"hi\"}", 400, "messages"),
                Arguments.of("bool for string", "{\"userId\":true,\"messages\":[{\"text\":\"hi\"}]}", 400, "userId"),
                Arguments.of("string for bool", "{\"messages\":[{\"text\":\"hi\",\"pinned\":\"yes\"}]}", 400,
                        "messages[0].pinned"),
                Arguments.of("number in metadata",
                        "{\"messages\":[{\"text\":\"hi\",\"metadata\":{\"a\":1}}]}", 400, "messages[0].metadata.a"),
                Arguments.of("duplicate key", "{\"messages\":[],\"messages\":[]}", 400, "body"),
                Arguments.of("deeply nested array", deep, 400, "body"),
                Arguments.of("deeply nested value", deepObject, 400, "messages[0]"),
                Arguments.of("blank text", "{\"messages\":[{\"text\":\"  \"}]}", 422, "messages[0].text"),
                Arguments.of("missing messages", "{\"userId\":\"maya\"}", 422, "messages"),
                Arguments.of("bad timestamp", "{\"messages\":[{\"text\":\"hi\",\"timestamp\":\"yesterday\"}]}", 422,
                        "messages[0].timestamp"),
                Arguments.of("control char in user", "{\"userId\":\"a\\u0001b\",\"messages\":[{\"text\":\"hi\"}]}",
                        422, "userId"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badRememberBody(String name, String body, int status, String field) {
        assertProblem(http.post("/v1/memories", body), status, field);
    }

    @Test
    void invalidUtf8() {
        byte[] head = "{\"messages\":[{\"text\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}]}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + 2 + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        body[head.length] = (byte) 0xC3; // a lead byte followed by no continuation byte
        body[head.length + 1] = (byte) 0x28;
        System.arraycopy(tail, 0, body, head.length + 2, tail.length);
        assertProblem(http.send("POST", "/v1/memories", body, b -> { }), 400, "messages[0].text");
    }

    @Test
    void tenMegabyteBody() {
        byte[] body = new byte[10 << 20];
        Arrays.fill(body, (byte) 'a');
        byte[] head = "{\"messages\":[{\"text\":\"".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(head, 0, body, 0, head.length);
        var r = http.send("POST", "/v1/memories", body, b -> { });
        assertEquals(413, r.status(), r.body());
        assertEquals("application/problem+json", r.contentType());
        // the server still answers afterwards
        assertEquals(200, http.get("/v1/memories/count").status());
    }

    @Test
    void badSearchValues() {
        assertProblem(http.post("/v1/memories/search", "{\"query\":\"x\",\"k\":0}"), 422, "k");
        assertProblem(http.post("/v1/memories/search", "{\"query\":\"x\",\"k\":\"5\"}"), 400, "k");
        assertProblem(http.post("/v1/memories/search", "{\"query\":\"x\",\"k\":2.5}"), 400, "k");
        assertProblem(http.post("/v1/memories/search", "{\"query\":\"\"}"), 422, "query");
        assertProblem(http.post("/v1/memories/search", "{\"query\":\"x\",\"kinds\":[\"DOG\"]}"), 422, "kinds[0]");
        assertProblem(http.post("/v1/memories/search",
                "{\"query\":\"x\",\"from\":\"2024-02-01T00:00:00Z\",\"to\":\"2024-01-01T00:00:00Z\"}"), 422, "to");
        assertProblem(http.post("/v1/context", "{\"query\":\"x\"}"), 422, "budget");
        assertProblem(http.post("/v1/context", "{\"query\":\"x\",\"budget\":-3}"), 422, "budget");
        assertProblem(http.get("/v1/memories/count?user=maya"), 400, "user");
        assertProblem(http.get("/v1/memories/count?kind=NOPE"), 422, "kinds[0]");
        assertProblem(http.post("/v1/memories/forget", "{\"userId\":\"maya\"}"), 422, "kinds");
        assertProblem(http.delete("/v1/memories?confirm=true"), 422, "userId");
        assertProblem(http.patch("/v1/memories/abc", "{\"txt\":\"x\"}"), 400, "txt");
    }

    private static void assertProblem(Http.Exchange r, int status, String field) {
        assertEquals(status, r.status(), r.body());
        assertEquals("application/problem+json", r.contentType(), r.body());
        var json = r.json();
        assertEquals(status, json.get("status").asInt());
        assertTrue(json.get("type").asText().startsWith("urn:loci:problem:"));
        assertFalse(r.body().contains("\tat "), "stack trace in " + r.body());
        assertFalse(r.body().contains("Exception"), "exception name in " + r.body());
        assertEquals(field, json.get("errors").get(0).get("field").asText(), r.body());
    }
}
