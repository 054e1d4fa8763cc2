package dev.loci.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/memories}: pages newest first, the next page's link, and bad parameters, over real HTTP;
 * {@code GET /v1/users}: the tenant's users a page at a time.
 */
class ListRouteIT {
    @TempDir
    static Path dir;
    static LociServer server;
    static Http writer;
    static Http reader;
    static Http otherTenant;

    @BeforeAll
    static void start() {
        ApiKeys keys = ApiKeys.open(dir);
        server = LociServer.start(TestServers.fakeEngine(), ServerOptions.defaults().withPort(0).withApiKeys(keys));
        writer = new Http(server.port(), keys.create("acme", Role.WRITE).token());
        reader = writer.withKey(keys.create("acme", Role.READ).token());
        otherTenant = writer.withKey(keys.create("globex", Role.ADMIN).token());
        var messages = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            messages.append(i == 0 ? "" : ",").append("""
                    {"clientId":"c%d","text":"note %d","timestamp":"2024-03-02T18:%02d:00Z"}""".formatted(i, i, i));
        }
        var r = writer.post("/v1/memories", "{\"userId\":\"maya\",\"sessionId\":\"s1\",\"messages\":[" + messages + "]}");
        assertEquals(201, r.status(), r.body());
        r = writer.post("/v1/memories", """
                {"userId":"ben","messages":[{"text":"ben's note","timestamp":"2024-03-01T09:00:00Z"}]}""");
        assertEquals(201, r.status(), r.body());
        r = otherTenant.post("/v1/memories", """
                {"userId":"zed","messages":[{"text":"zed's note","timestamp":"2024-03-01T09:00:00Z"}]}""");
        assertEquals(201, r.status(), r.body());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<String> texts(Http.Exchange e) {
        var out = new ArrayList<String>();
        e.json().get("memories").forEach(m -> out.add(m.get("text").asText()));
        return out;
    }

    @Test
    void pagesFollowTheNextLinkNewestFirst() {
        var seen = new ArrayList<String>();
        var e = reader.get("/v1/memories?userId=maya&sessionId=s1&limit=3");
        int pages = 1;
        while (true) {
            assertEquals(200, e.status(), e.body());
            seen.addAll(texts(e));
            if (e.link().isEmpty()) {
                assertTrue(e.json().get("nextCursor").isNull());
                break;
            }
            String cursor = e.json().get("nextCursor").asText();
            assertTrue(e.link().contains("cursor=" + cursor) && e.link().contains("limit=3")
                    && e.link().contains("sessionId=s1"), "the link keeps the query: " + e.link());
            e = reader.get(e.link().substring(1, e.link().indexOf('>')));
            pages++;
        }
        assertEquals(List.of("note 6", "note 5", "note 4", "note 3", "note 2", "note 1", "note 0"), seen);
        assertEquals(3, pages);
        assertEquals(List.of("note 6", "note 5", "note 4", "note 3", "note 2", "note 1", "note 0"),
                texts(reader.get("/v1/memories?userId=maya")), "default limit 50");
        assertEquals(List.of("note 2", "note 1"), texts(reader.get(
                "/v1/memories?userId=maya&from=2024-03-02T18:01:00Z&to=2024-03-02T18:03:00Z")), "time range");
        // a kind nothing here is of (SESSION or TOPIC nodes may appear at any moment: level 2 is built in the background)
        assertEquals(List.of(), texts(reader.get("/v1/memories?userId=maya&kind=PROCEDURE&kind=CHUNK")));
    }

    @Test
    void anotherTenantListsNothingOfThisOne() {
        var e = otherTenant.get("/v1/memories?userId=maya");
        assertEquals(200, e.status(), e.body());
        assertEquals(List.of(), texts(e));
        String cursor = reader.get("/v1/memories?userId=maya&limit=1").json().get("nextCursor").asText();
        assertEquals(List.of(), texts(otherTenant.get("/v1/memories?userId=maya&cursor=" + cursor)),
                "a cursor is a position, not a key to someone's memories");
    }

    @Test
    void usersPageThroughTheTenantsUsersWithCountsAndLastActivity() {
        var e = reader.get("/v1/users?limit=1");
        assertEquals(200, e.status(), e.body());
        JsonNode ben = e.json().get("users").get(0);
        assertEquals("ben", ben.get("userId").asText(), e.body());
        assertEquals(reader.get("/v1/memories/count?userId=ben").json().get("count").asLong(),
                ben.get("memories").asLong(), "counted as the count route counts");
        assertEquals("2024-03-01T09:00:00Z", ben.get("lastActivity").asText());
        assertEquals("ben", e.json().get("nextCursor").asText());
        assertTrue(e.link().contains("cursor=ben") && e.link().contains("limit=1"), e.link());
        e = reader.get(e.link().substring(1, e.link().indexOf('>')));
        JsonNode maya = e.json().get("users").get(0);
        assertEquals("maya", maya.get("userId").asText(), e.body());
        assertTrue(maya.get("memories").asLong() >= 7, e.body());
        assertEquals("2024-03-02T18:06:00Z", maya.get("lastActivity").asText());
        assertTrue(e.json().get("nextCursor").isNull(), "the last page: " + e.body());
        assertTrue(e.link().isEmpty());

        List<String> globex = new ArrayList<>();
        otherTenant.get("/v1/users").json().get("users").forEach(u -> globex.add(u.get("userId").asText()));
        assertEquals(List.of("zed"), globex, "each key sees its tenant's users only");
        problem(reader.get("/v1/users?limit=0"), 422, "limit");
        problem(reader.get("/v1/users?limit=lots"), 400, "limit");
        problem(reader.get("/v1/users?userId=maya"), 400, "userId");
    }

    @Test
    void badParametersGetProblemsNamingThem() {
        problem(reader.get("/v1/memories?userId=maya&limit=0"), 422, "limit");
        problem(reader.get("/v1/memories?userId=maya&limit=1001"), 422, "limit");
        problem(reader.get("/v1/memories?userId=maya&limit=many"), 400, "limit");
        problem(reader.get("/v1/memories?userId=maya&cursor=bogus"), 422, "cursor");
        problem(reader.get("/v1/memories?userId=maya&kind=DOG"), 422, "kind[0]");
        problem(reader.get("/v1/memories?userId=maya&from=yesterday"), 422, "from");
        problem(reader.get("/v1/memories?userId=maya&metadata=topic"), 400, "metadata");
        problem(reader.get("/v1/memories?userId=maya&limit=1&limit=2"), 400, "limit");
        problem(reader.get("/v1/memories?userId=maya&page=2"), 400, "page");
        problem(new Http(server.port(), null).get("/v1/memories?userId=maya"), 401, null);
    }

    private static void problem(Http.Exchange e, int status, String field) {
        assertEquals(status, e.status(), e.body());
        assertTrue(e.contentType().startsWith("application/problem+json"), e.contentType());
        if (field != null) {
            JsonNode body = e.json();
            assertTrue(body.toString().contains("\"" + field + "\""), "names " + field + ": " + body);
        }
    }
}
