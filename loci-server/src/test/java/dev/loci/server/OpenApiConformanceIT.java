package dev.loci.server;

import static dev.loci.server.TestServers.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The served OpenAPI 3.1 document and the server agree: every route the server registers is
 * documented and every documented one exists; a scenario calls every documented operation (and
 * many failures), and each response's status must be documented for its operation and its body
 * must validate (networknt json-schema-validator, OpenAPI 3.1 dialect) against the documented
 * schema; request bodies sent must validate against the documented request schema too.
 */
class OpenApiConformanceIT {
    private static final String DOC = "classpath:dev/loci/server/openapi.json";
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDialect(Dialects.getOpenApi31());

    @TempDir
    Path dir;

    record Sent(Http.Exchange exchange, String requestBody) {
    }

    @Test
    void everyRouteAndResponseMatchesTheDocument() throws IOException {
        JsonNode doc;
        try (InputStream in = LociServer.class.getResourceAsStream("openapi.json")) {
            doc = Http.JSON.readTree(in);
        }
        ApiKeys keys = ApiKeys.open(dir);
        List<Sent> sent = new ArrayList<>();
        try (LociServer server = LociServer.start(TestServers.fakeEngine(),
                ServerOptions.defaults().withPort(0).withApiKeys(keys))) {
            Set<String> documented = new TreeSet<>();
            doc.get("paths").properties().forEach(p -> p.getValue().fieldNames()
                    .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
            assertEquals(documented, new TreeSet<>(server.routes()), "routes served vs routes documented");
            assertEquals(doc, Http.JSON.readTree(new Http(server.port(), null).get("/v1/openapi.json").body()),
                    "served document");
            scenario(server, keys, sent);
        }
        Set<String> succeeded = new TreeSet<>();
        for (Sent s : sent) {
            Http.Exchange e = s.exchange();
            String template = template(doc, e.path());
            JsonNode operation = doc.get("paths").get(template).get(e.method().toLowerCase());
            String where = e.method() + " " + e.path() + " -> " + e.status() + " " + e.body();
            if (operation == null) {
                fail("undocumented operation: " + where);
            }
            JsonNode response = resolve(doc, operation.get("responses").get(Integer.toString(e.status())));
            if (response == null) {
                fail("undocumented status: " + where);
            }
            if (e.status() < 300) {
                succeeded.add(e.method() + " " + template);
                if (s.requestBody() != null) {
                    validate(operation.get("requestBody").get("content").get("application/json").get("schema"),
                            s.requestBody(), "request of " + where);
                }
            }
            if (!e.link().isEmpty()) {
                assertTrue(response.has("headers") && response.get("headers").has("Link"),
                        "Link header not documented: " + where);
            }
            JsonNode content = response.get("content");
            if (content == null) {
                assertTrue(e.body().isEmpty(), "documented without a body: " + where);
                continue;
            }
            String type = e.contentType().replaceFirst(";.*", "").trim();
            JsonNode media = content.get(type);
            if (media == null) {
                fail("undocumented content type " + type + ": " + where);
            }
            if (type.endsWith("json")) {
                validate(media.get("schema"), e.body(), where);
            }
        }
        Set<String> operations = new TreeSet<>();
        doc.get("paths").properties().forEach(p -> p.getValue().fieldNames()
                .forEachRemaining(m -> operations.add(m.toUpperCase() + " " + p.getKey())));
        assertEquals(operations, succeeded, "every documented operation exercised successfully");
    }

    private static void scenario(LociServer server, ApiKeys keys, List<Sent> sent) {
        Http writer = new Http(server.port(), keys.create("acme", Role.WRITE).token());
        Http reader = new Http(server.port(), keys.create("acme", Role.READ).token());
        Http admin = new Http(server.port(), keys.create("acme", Role.ADMIN).token());
        Http anonymous = new Http(server.port(), null);
        Recorder w = new Recorder(writer, sent);
        Recorder r = new Recorder(reader, sent);

        String remember = """
                {"userId":"maya","sessionId":"s1","messages":[
                 {"clientId":"m1","role":"user","speaker":"Maya","text":"We adopted a greyhound called Biscuit.",
                  "timestamp":"2024-03-02T18:10:00Z","metadata":{"topic":"pets"}},
                 {"clientId":"m2","role":"user","speaker":"Maya","text":"I moved to Denver last spring.",
                  "timestamp":"2024-03-02T18:12:00Z","pinned":true}]}""";
        Http.Exchange added = w.post("/v1/memories", remember);
        w.post("/v1/memories", remember); // 200: nothing new
        String id = added.json().get("ids").get(0).asText();
        r.post("/v1/memories/search", "{\"userId\":\"maya\",\"query\":\"dog name\",\"k\":3,\"kinds\":[\"TURN\","
                + "\"FACT\"],\"from\":\"2024-01-01T00:00:00Z\",\"metadata\":{\"topic\":\"pets\"},"
                + "\"at\":\"2024-04-01T00:00:00Z\"}");
        r.post("/v1/memories/search", "{\"query\":\"where does Maya live\",\"asOf\":\"2030-01-01T00:00:00Z\"}");
        r.post("/v1/memories/search", "{\"query\":\"where does Maya live\",\"heldAt\":\"2024-06-01T00:00:00Z\"}");
        r.post("/v1/context", "{\"userId\":\"maya\",\"query\":\"the dog\",\"budget\":100,"
                + "\"heldAt\":\"2024-06-01T00:00:00Z\"}");
        r.post("/v1/context", "{\"userId\":\"maya\",\"query\":\"what about the dog\",\"budget\":100}");
        r.get("/v1/memories/" + id + "?userId=maya");
        r.get("/v1/memories/count?userId=maya&kind=TURN&kind=FACT&from=2024-01-01T00:00:00Z");
        Http.Exchange first = r.get("/v1/memories?userId=maya&sessionId=s1&kind=TURN&limit=1&from=2024-01-01T00:00:00Z"
                + "&to=2025-01-01T00:00:00Z&metadata=topic:pets");
        assertEquals(1, first.json().get("memories").size(), first.body());
        r.get("/v1/memories?userId=maya&limit=1");
        Http.Exchange next = r.get("/v1/memories?userId=maya&limit=1");
        assertTrue(next.link().matches("</v1/memories\\?.*cursor=[^&>]+>; rel=\"next\""), next.link());
        Http.Exchange last = r.get(next.link().substring(1, next.link().indexOf('>')));
        assertEquals("", last.link(), "the last page has no next link");
        assertTrue(last.json().get("nextCursor").isNull());
        r.get("/v1/memories?userId=maya&asOf=2030-01-01T00:00:00Z");
        Http.Exchange users = r.get("/v1/users?limit=1");
        assertEquals("maya", users.json().get("users").get(0).get("userId").asText(), users.body());
        r.get("/v1/users?cursor=maya");
        Http.Exchange updated = w.patch("/v1/memories/" + id, "{\"userId\":\"maya\",\"text\":\"Biscuit is a whippet.\"}");
        r.get("/v1/memories/" + updated.json().get("id").asText() + "/history?userId=maya");
        w.put("/v1/memories/" + updated.json().get("id").asText() + "/pinned", "{\"userId\":\"maya\",\"pinned\":true}");
        w.post("/v1/memories/forget", "{\"userId\":\"maya\",\"kinds\":[\"TURN\"],\"to\":\"2024-03-02T18:11:00Z\"}");
        w.delete("/v1/memories/" + added.json().get("ids").get(1).asText());
        w.post("/v1/memories", "{\"userId\":\"tom\",\"messages\":[{\"text\":\"Tom plays the piano.\"}]}");
        w.delete("/v1/memories?userId=tom&confirm=true");
        w.post("/v1/consolidate", "{\"userId\":\"maya\",\"sessionId\":\"s1\",\"timeoutMs\":10000}");
        new Recorder(admin, sent).get("/v1/stats");
        Recorder anon = new Recorder(anonymous, sent);
        anon.get("/health");
        anon.get("/ready");
        anon.get("/metrics");
        anon.get("/v1/openapi.json");

        // failures: each must be a documented status with a Problem body
        anon.post("/v1/memories/search", "{\"query\":\"x\"}");
        r.post("/v1/memories", "{\"messages\":[{\"text\":\"x\"}]}");
        new Recorder(writer, sent).get("/v1/stats");
        w.post("/v1/memories", "{\"messages\":[{\"text\":\"x\"");
        w.post("/v1/memories", "{\"messages\":[{\"text\":\"\"}]}");
        w.post("/v1/memories", "{\"messages\":[{\"text\":\"x\"}]" + " ".repeat(2 << 20) + "}");
        r.get("/v1/memories/nope");
        r.get("/v1/memories/nope/history");
        w.patch("/v1/memories/nope", "{\"text\":\"x\"}");
        w.delete("/v1/memories/nope");
        w.put("/v1/memories/nope/pinned", "{\"pinned\":false}");
        w.put("/v1/memories/nope/pinned", "{}");
        w.delete("/v1/memories?userId=maya");
        r.get("/v1/memories/count?kind=DOG");
        r.get("/v1/memories/count?size=3");
        r.get("/v1/memories?userId=maya&limit=0");
        r.get("/v1/memories?userId=maya&limit=ten");
        r.get("/v1/memories?userId=maya&cursor=bogus");
        r.get("/v1/memories?userId=maya&kind=DOG");
        r.get("/v1/memories?userId=maya&metadata=novalue");
        r.get("/v1/memories?userId=maya&page=2");
        r.get("/v1/users?limit=0");
        r.get("/v1/users?limit=ten");
        r.post("/v1/context", "{\"query\":\"x\",\"budget\":0}");
        w.post("/v1/memories/forget", "{}");
        w.post("/v1/consolidate", "{\"timeoutMs\":-1}");
        w.post("/v1/consolidate", "{\"timeoutMs\":\"soon\"}");
        r.post("/v1/consolidate", "{}");
    }

    /** Sends through a client and keeps each exchange with the body it sent. */
    record Recorder(Http http, List<Sent> sent) {
        Http.Exchange get(String path) {
            return keep(http.get(path), null);
        }

        Http.Exchange delete(String path) {
            return keep(http.delete(path), null);
        }

        Http.Exchange post(String path, String body) {
            return keep(http.post(path, body), body);
        }

        Http.Exchange patch(String path, String body) {
            return keep(http.patch(path, body), body);
        }

        Http.Exchange put(String path, String body) {
            return keep(http.put(path, body), body);
        }

        private Http.Exchange keep(Http.Exchange e, String body) {
            sent.add(new Sent(e, body));
            return e;
        }
    }

    /** The documented path template a request path matches; literal segments win over parameters. */
    private static String template(JsonNode doc, String requestPath) {
        String path = requestPath.replaceFirst("\\?.*", "");
        List<String> matches = new ArrayList<>();
        doc.get("paths").fieldNames().forEachRemaining(t -> {
            if (path.matches(t.replaceAll("\\{[^}]+}", "[^/]+"))) {
                matches.add(t);
            }
        });
        if (matches.isEmpty()) {
            fail("no documented path matches " + requestPath);
        }
        matches.sort(Comparator.comparingInt(t -> t.split("\\{", -1).length));
        return matches.get(0);
    }

    private static JsonNode resolve(JsonNode doc, JsonNode node) {
        if (node != null && node.has("$ref")) {
            return doc.at(node.get("$ref").asText().substring(1));
        }
        return node;
    }

    private static final Map<String, Schema> CACHE = new HashMap<>();

    private static void validate(JsonNode schemaNode, String body, String where) {
        String ref = schemaNode.has("$ref") ? schemaNode.get("$ref").asText() : null;
        if (ref == null) {
            if (schemaNode.equals(Http.JSON.createObjectNode().put("type", "object"))) {
                return; // the OpenAPI document itself
            }
            fail("response and request schemas must be $refs to components: " + schemaNode);
        }
        Schema schema = CACHE.computeIfAbsent(ref, r -> SCHEMAS.getSchema(SchemaLocation.of(DOC + r)));
        List<Error> errors = schema.validate(body, InputFormat.JSON);
        if (!errors.isEmpty()) {
            fail("does not match " + ref + ": " + errors + "\n  in " + where);
        }
    }
}
