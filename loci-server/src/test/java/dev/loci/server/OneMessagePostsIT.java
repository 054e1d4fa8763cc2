package dev.loci.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loci.Loci;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chat client posts every message on its own to {@code POST /v1/memories}: the conversation still
 * gets its episodes, over real HTTP. A silence of hours between two messages closes the episode
 * before it; the last one is closed by a flush ({@code POST /v1/consolidate}), which closes the
 * conversations of its own scope only.
 */
class OneMessagePostsIT {
    @TempDir
    static Path dir;
    static Loci engine;
    static LociServer server;
    static Http writer;
    static Http otherTenant;

    @BeforeAll
    static void start() {
        ApiKeys keys = ApiKeys.open(dir);
        engine = TestServers.fakeEngine();
        server = LociServer.start(engine, TestServers.options(dir).withApiKeys(keys));
        writer = new Http(server.port(), keys.create("acme", Role.WRITE).token());
        otherTenant = new Http(server.port(), keys.create("globex", Role.WRITE).token());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String post(int i, String text, String timestamp) {
        var r = writer.post("/v1/memories", """
                {"userId":"maya","sessionId":"chat","messages":[{"clientId":"c%d","speaker":"Maya","text":%s,\
                "timestamp":"%s"}]}""".formatted(i, TestServers.q(text), timestamp));
        assertEquals(201, r.status(), r.body());
        return r.json().get("ids").get(0).asText();
    }

    private static List<List<String>> episodes() {
        var r = writer.get("/v1/memories?userId=maya&sessionId=chat&kind=EPISODE");
        assertEquals(200, r.status(), r.body());
        var out = new ArrayList<List<String>>();
        for (JsonNode m : r.json().get("memories")) {
            var children = new ArrayList<String>();
            m.path("childIds").forEach(c -> children.add(c.asText()));
            out.add(children);
        }
        return out.reversed(); // the listing is newest first
    }

    @Test
    void messagesPostedOneAtATimeGetEpisodes() {
        var morning = new ArrayList<String>();
        String[] violin = {"I signed up for violin lessons", "The violin teacher is strict about bow posture",
            "Violin scales every morning", "A violin recital in spring"};
        for (int i = 0; i < violin.length; i++) {
            morning.add(post(i, violin[i], "2024-03-02T09:0" + i + ":00Z"));
        }
        assertEquals(List.of(), episodes(), "the conversation may go on: its turns are still open");

        String[] risotto = {"Tonight I cooked a mushroom risotto", "The risotto needed more stock",
            "Parmesan at the very end"};
        var evening = new ArrayList<String>();
        for (int i = 0; i < risotto.length; i++) {
            evening.add(post(10 + i, risotto[i], "2024-03-02T19:0" + i + ":00Z"));
        }
        assertEquals(List.of(morning), episodes(), "ten hours of silence closed the morning's episode");

        // A flush closes the conversations within its scope only: another user's, another tenant's.
        assertEquals(200, writer.post("/v1/consolidate", "{\"userId\":\"tom\"}").status());
        assertEquals(200, otherTenant.post("/v1/consolidate", "{}").status());
        assertEquals(List.of(morning), episodes(), "flushes of other scopes left the evening open");

        var flushed = writer.post("/v1/consolidate", "{\"userId\":\"maya\",\"sessionId\":\"chat\",\"timeoutMs\":30000}");
        assertEquals(200, flushed.status(), flushed.body());
        assertTrue(flushed.json().get("complete").asBoolean(), flushed.body());
        assertEquals(List.of(morning, evening), episodes(), "the flush closed the evening's");
        var sessions = writer.get("/v1/memories?userId=maya&sessionId=chat&kind=SESSION");
        assertEquals(1, sessions.json().get("memories").size(), sessions.body());
        assertEquals(2, sessions.json().get("memories").get(0).get("childIds").size(), "the session holds both episodes");
    }
}
