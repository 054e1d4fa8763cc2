package dev.loci.mcp;

import dev.loci.testkit.TestEngines;
import static dev.loci.mcp.LociToolsTest.ok;
import static dev.loci.mcp.LociToolsTest.structured;
import static dev.loci.mcp.LociToolsTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Loci;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The streamable HTTP transport on a real Jetty 12 (as under Javalin 7) on loopback, driven by the SDK's client. */
class McpHttpIT {
    private static final Map<String, String> KEYS = Map.of("key-acme", "acme", "key-globex", "globex");

    private static Loci loci;
    private static Server jetty;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        loci = TestEngines.inMemory();
        jetty = new Server();
        var connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        var context = new ServletContextHandler();
        context.setContextPath("/");
        var holder = new ServletHolder(McpHttp.servlet(loci, key -> Optional.ofNullable(KEYS.get(key))));
        holder.setAsyncSupported(true);
        context.addServlet(holder, McpHttp.ENDPOINT);
        jetty.setHandler(context);
        jetty.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.stop();
        loci.close();
    }

    @Test
    void listsEveryToolWithItsSchema() {
        try (McpSyncClient client = client("key-acme")) {
            Map<String, Tool> tools = client.listTools().tools().stream()
                    .collect(Collectors.toMap(Tool::name, t -> t));
            assertEquals(List.of("add_memory", "delete_all_memories", "delete_memory", "get_context", "get_memory",
                    "get_memory_history", "get_profile", "list_memories", "search_memories", "update_memory"),
                    tools.keySet().stream().sorted().toList());
            assertEquals(List.of("text"), tools.get("add_memory").inputSchema().get("required"));
            assertEquals(List.of("query"), tools.get("search_memories").inputSchema().get("required"));
            assertEquals(List.of("confirm"), tools.get("delete_all_memories").inputSchema().get("required"));
            assertEquals(List.of("memory_id", "text"), tools.get("update_memory").inputSchema().get("required"));
            for (Tool tool : tools.values()) {
                assertEquals("object", tool.inputSchema().get("type"), tool.name());
                assertTrue(tool.description().length() > 100, tool.name());
                assertNotNull(tool.annotations().readOnlyHint(), tool.name());
            }
            Map<?, ?> limit = (Map<?, ?>) ((Map<?, ?>) tools.get("search_memories").inputSchema().get("properties")).get("limit");
            assertEquals("integer", limit.get("type"));
        }
    }

    @Test
    void addThenSearchWithinTheKeysTenantOnly() {
        try (McpSyncClient acme = client("key-acme"); McpSyncClient globex = client("key-globex")) {
            CallToolResult added = ok(acme.callTool(call("add_memory",
                    Map.of("text", "The launch code word is marmalade.", "user_id", "ops"))));
            String id = (String) structured(added).get("id");

            CallToolResult found = ok(acme.callTool(call("search_memories",
                    Map.of("query", "launch code word", "user_id", "ops"))));
            assertTrue(text(found).contains(id) && text(found).contains("marmalade"), text(found));

            CallToolResult other = ok(globex.callTool(call("search_memories",
                    Map.of("query", "launch code word", "user_id", "ops"))));
            assertFalse(text(other).contains("marmalade"), text(other));
            assertTrue(globex.callTool(call("get_memory", Map.of("memory_id", id, "user_id", "ops"))).isError());
        }
    }

    @Test
    void badArgumentTypeIsAToolErrorNamingTheArgument() {
        try (McpSyncClient client = client("key-acme")) {
            CallToolResult result = client.callTool(call("search_memories", Map.of("query", "dog", "limit", "ten")));
            assertTrue(result.isError());
            assertTrue(text(result).contains("'limit'"), text(result));
            assertEquals("limit", structured(result).get("argument"));
        }
    }

    @Test
    void requestsWithoutAValidKeyGet401() throws Exception {
        String initialize = """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",\
                "capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}""";
        for (String authorization : new String[]{null, "Bearer wrong-key", "Basic a2V5LWFjbWU6", "Bearer "}) {
            HttpResponse<String> response = post(authorization, null, initialize);
            assertEquals(401, response.statusCode(), "Authorization: " + authorization);
            assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            assertTrue(response.body().contains("unauthorized"), response.body());
        }
        assertEquals(200, post("Bearer key-acme", null, initialize).statusCode());
    }

    @Test
    void theKeyOfEachRequestDecidesTheTenantNotTheSessionItNames() throws Exception {
        try (McpSyncClient acme = client("key-acme")) {
            ok(acme.callTool(call("add_memory", Map.of("text", "Acme's vault combination is 7-3-9.", "user_id", "cfo"))));
        }
        HttpResponse<String> init = post("Bearer key-acme", null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",\
                "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        post("Bearer key-acme", session, """
                {"jsonrpc":"2.0","method":"notifications/initialized"}""");
        // A globex key replaying acme's session id still works in globex only.
        HttpResponse<String> stolen = post("Bearer key-globex", session, """
                {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"search_memories",\
                "arguments":{"query":"vault combination","user_id":"cfo"}}}""");
        assertEquals(200, stolen.statusCode(), stolen.body());
        assertTrue(stolen.body().contains("No memories found"), stolen.body());
        assertFalse(stolen.body().contains("7-3-9"), stolen.body());
    }

    private static HttpResponse<String> post(String authorization, String session, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + McpHttp.ENDPOINT)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (session != null) {
            request.header("Mcp-Session-Id", session);
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static McpSyncClient client(String key) {
        var transport = HttpClientStreamableHttpTransport.builder(base).endpoint(McpHttp.ENDPOINT)
                .addHttpRequestCustomizer((request, method, uri, body, context) ->
                        request.header("Authorization", "Bearer " + key))
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build();
        client.initialize();
        return client;
    }

    private static CallToolRequest call(String tool, Map<String, Object> arguments) {
        return CallToolRequest.builder(tool).arguments(arguments).build();
    }
}
