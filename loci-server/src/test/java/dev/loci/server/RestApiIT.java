package dev.loci.server;

import static dev.loci.server.TestServers.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each route's happy path and the authentication rules, over real HTTP on the deterministic engine. */
class RestApiIT {
    @TempDir
    static Path dir;
    static LociServer server;
    static Http writer;
    static Http reader;
    static Http admin;

    @BeforeAll
    static void start() {
        ApiKeys keys = ApiKeys.open(dir);
        server = LociServer.start(TestServers.fakeEngine(), ServerOptions.defaults().withPort(0).withApiKeys(keys));
        writer = new Http(server.port(), keys.create("acme", Role.WRITE).token());
        reader = writer.withKey(keys.create("acme", Role.READ).token());
        admin = writer.withKey(keys.create("acme", Role.ADMIN).token());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String remember(String user, String clientId, String text) {
        var r = writer.post("/v1/memories", """
                {"userId": %s, "sessionId": "s1", "messages": [
                  {"clientId": %s, "role": "user", "speaker": "Maya", "text": %s,
                   "timestamp": "2024-03-02T18:10:00Z", "metadata": {"topic": "pets"}}]}"""
                .formatted(q(user), q(clientId), q(text)));
        assertTrue(r.status() == 201 || r.status() == 200, r.toString());
        return r.json().get("ids").get(0).asText();
    }

    @Test
    void rememberIsIdempotentByClientId() {
        var first = writer.post("/v1/memories", """
                {"userId":"idem","messages":[{"clientId":"m1","text":"We adopted a greyhound called Biscuit."}]}""");
        assertEquals(201, first.status(), first.body());
        assertEquals(1, first.json().get("added").asInt());
        var again = writer.post("/v1/memories", """
                {"userId":"idem","messages":[{"clientId":"m1","text":"We adopted a greyhound called Biscuit."}]}""");
        assertEquals(200, again.status(), again.body());
        assertEquals(0, again.json().get("added").asInt());
        assertEquals(1, again.json().get("skipped").asInt());
        assertEquals(first.json().get("ids"), again.json().get("ids"));
        assertTrue(first.body().contains("ids"));
    }

    @Test
    void searchGetHistoryUpdateAndDelete() {
        String id = remember("maya", "c1", "I am seriously allergic to peanuts.");
        var found = reader.post("/v1/memories/search", """
                {"userId":"maya","query":"peanut allergy","k":5,"kinds":["TURN"],
                 "from":"2024-01-01T00:00:00Z","to":"2025-01-01T00:00:00Z","metadata":{"topic":"pets"},
                 "at":"2024-04-01T00:00:00Z"}""");
        assertEquals(200, found.status(), found.body());
        JsonNode first = found.json().get("results").get(0);
        assertEquals(id, first.get("id").asText());
        assertTrue(first.get("signals").size() > 0, found.body());

        var got = reader.get("/v1/memories/" + id + "?userId=maya");
        assertEquals(200, got.status(), got.body());
        assertEquals("I am seriously allergic to peanuts.", got.json().get("text").asText());
        assertEquals("acme", got.json().get("scope").get("tenant").asText());

        var updated = writer.patch("/v1/memories/" + id, """
                {"userId":"maya","text":"I am mildly allergic to peanuts."}""");
        assertEquals(200, updated.status(), updated.body());
        assertEquals(2, updated.json().get("version").asInt());

        var history = reader.get("/v1/memories/" + updated.json().get("id").asText() + "/history?userId=maya");
        assertEquals(200, history.status(), history.body());
        assertEquals(2, history.json().get("versions").size());

        var asOf = reader.post("/v1/memories/search", """
                {"userId":"maya","query":"peanut allergy","asOf":"%s"}""".formatted(got.json().get("recordedAt")
                .asText()));
        assertEquals(200, asOf.status(), asOf.body());

        String current = updated.json().get("id").asText();
        assertEquals(204, writer.delete("/v1/memories/" + current + "?userId=maya").status());
        assertEquals(404, reader.get("/v1/memories/" + current + "?userId=maya").status());
        assertEquals(404, writer.delete("/v1/memories/" + current).status());
    }

    @Test
    void contextFitsTheBudget() {
        remember("ctx", "c1", "Maya's dog Biscuit loves long walks on the beach.");
        var r = reader.post("/v1/context", """
                {"userId":"ctx","query":"what does the dog like","budget":50}""");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.json().get("tokens").asInt() <= 50);
        assertTrue(r.json().get("text").asText().contains("Biscuit"), r.body());
    }

    @Test
    void pinAndUnpin() {
        String id = remember("pin", "k1", "Keep this one whatever happens.");
        var pinned = writer.put("/v1/memories/" + id + "/pinned", """
                {"userId":"pin","pinned":true}""");
        assertEquals(200, pinned.status(), pinned.body());
        assertTrue(pinned.json().get("lifecycle").get("pinned").asBoolean(), pinned.body());
        assertTrue(reader.get("/v1/memories/" + id + "?userId=pin").json().get("lifecycle").get("pinned")
                .asBoolean());
        var again = writer.put("/v1/memories/" + id + "/pinned", "{\"userId\":\"pin\",\"pinned\":true}");
        assertEquals(200, again.status(), again.body());
        var unpinned = writer.put("/v1/memories/" + id + "/pinned", "{\"pinned\":false}");
        assertEquals(200, unpinned.status(), unpinned.body());
        assertFalse(unpinned.json().path("lifecycle").path("pinned").asBoolean(), unpinned.body());

        assertEquals(404, writer.put("/v1/memories/nope/pinned", "{\"pinned\":true}").status());
        assertEquals(404, writer.put("/v1/memories/" + id + "/pinned", "{\"userId\":\"other\",\"pinned\":true}")
                .status());
        var missing = writer.put("/v1/memories/" + id + "/pinned", "{\"userId\":\"pin\"}");
        assertEquals(422, missing.status(), missing.body());
        assertEquals("pinned", missing.json().get("errors").get(0).get("field").asText());
        assertEquals(403, reader.put("/v1/memories/" + id + "/pinned", "{\"pinned\":true}").status());
    }

    @Test
    void searchAsOfAsksWhatWasKnownThenAndHeldAtWhatHeldThenInTheConversation() {
        String id = remember("valid", "v1", "Our greyhound Biscuit sleeps on the sofa."); // said 2024-03-02, recorded now
        var known = reader.post("/v1/memories/search", """
                {"userId":"valid","query":"greyhound sofa","asOf":"2024-06-01T00:00:00Z"}""");
        assertEquals(200, known.status(), known.body());
        assertEquals(0, known.json().get("results").size(), "recorded after June 2024: " + known.body());
        var held = reader.post("/v1/memories/search", """
                {"userId":"valid","query":"greyhound sofa","heldAt":"2024-06-01T00:00:00Z"}""");
        assertEquals(200, held.status(), held.body());
        assertEquals(id, held.json().get("results").get(0).get("id").asText(), held.body());
        var before = reader.post("/v1/memories/search", """
                {"userId":"valid","query":"greyhound sofa","heldAt":"2024-03-01T00:00:00Z"}""");
        assertEquals(0, before.json().get("results").size(), "not said yet: " + before.body());
        var context = reader.post("/v1/context", """
                {"userId":"valid","query":"the dog","budget":200,"heldAt":"2024-06-01T00:00:00Z"}""");
        assertEquals(200, context.status(), context.body());
        assertTrue(context.json().get("text").asText().contains("Biscuit"), context.body());
        var both = reader.post("/v1/memories/search", """
                {"userId":"valid","query":"greyhound","asOf":"2024-06-01T00:00:00Z","heldAt":"2024-06-01T00:00:00Z"}""");
        assertEquals(422, both.status(), both.body());
        assertEquals("heldAt", both.json().get("errors").get(0).get("field").asText(), both.body());
    }

    @Test
    void forgetByFilterCountAndPurge() {
        remember("purge", "p1", "First thing to forget.");
        remember("purge", "p2", "Second thing to forget.");
        assertEquals(2, reader.get("/v1/memories/count?userId=purge&kind=TURN").json().get("count").asLong());

        var forgot = writer.post("/v1/memories/forget", """
                {"userId":"purge","kinds":["TURN"],"to":"2024-03-02T18:10:00.001Z"}""");
        assertEquals(200, forgot.status(), forgot.body());
        assertEquals(2, forgot.json().get("deleted").asLong());

        remember("purge", "p3", "Third thing.");
        var unconfirmed = writer.delete("/v1/memories?userId=purge");
        assertEquals(422, unconfirmed.status(), unconfirmed.body());
        assertEquals("confirm", unconfirmed.json().get("errors").get(0).get("field").asText());
        var purged = writer.delete("/v1/memories?userId=purge&confirm=true");
        assertEquals(200, purged.status(), purged.body());
        assertEquals(0, reader.get("/v1/memories/count?userId=purge").json().get("count").asLong());
    }

    @Test
    void statsForAdminsOnly() {
        var r = admin.get("/v1/stats");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.json().has("memories"));
        assertEquals(403, writer.get("/v1/stats").status());
    }

    @Test
    void operationsEndpoints() {
        var anonymous = writer.withKey(null);
        assertEquals(200, anonymous.get("/health").status());
        assertEquals(200, anonymous.get("/ready").status());
        assertEquals("3.1.0", anonymous.get("/v1/openapi.json").json().get("openapi").asText());
        remember("metrics", "m1", "Counted in the metrics.");
        var metrics = anonymous.get("/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.body().contains("loci_http_server_requests_seconds_count"), metrics.body());
        assertTrue(metrics.body().contains("loci_remember_seconds_bucket"), metrics.body());
        assertTrue(metrics.body().contains("loci_memories "), metrics.body());
        assertTrue(metrics.body().contains("\nloci_store_disk_bytes 0.0\n"),
                "the store's size on disk, none for the in-memory store: " + metrics.body());
        // each request is counted under its method, route and status, however many came before
        double before = healthCount(anonymous.get("/metrics").body());
        anonymous.get("/health");
        anonymous.get("/health");
        assertEquals(before + 2, healthCount(anonymous.get("/metrics").body()));
    }

    private static double healthCount(String scrape) {
        var m = java.util.regex.Pattern.compile(
                "\nloci_http_server_requests_seconds_count\\{method=\"GET\",route=\"/health\",status=\"200\"} (\\S+)\n")
                .matcher(scrape);
        assertTrue(m.find(), scrape);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void authenticationAndRoles() {
        var none = writer.withKey(null).post("/v1/memories/search", "{\"query\":\"x\"}");
        assertEquals(401, none.status());
        assertEquals("application/problem+json", none.contentType());
        var wrong = writer.withKey("loci_000000000000_notthesecret").post("/v1/memories/search", "{\"query\":\"x\"}");
        assertEquals(401, wrong.status());
        var garbage = writer.withKey("hello").get("/v1/memories/count");
        assertEquals(401, garbage.status());
        var readCannotWrite = reader.post("/v1/memories", "{\"messages\":[{\"text\":\"nope\"}]}");
        assertEquals(403, readCannotWrite.status());
        assertEquals("urn:loci:problem:forbidden", readCannotWrite.json().get("type").asText());
        assertEquals(403, reader.delete("/v1/memories?userId=x&confirm=true").status());
        assertFalse(readCannotWrite.body().contains("Exception"));
    }

    @Test
    void unknownRouteIsAProblem() {
        var r = reader.get("/v1/nope");
        assertEquals(404, r.status());
        assertEquals("application/problem+json", r.contentType());
        assertEquals(404, r.json().get("status").asInt());
    }
}
