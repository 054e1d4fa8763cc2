package dev.loci.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.mcp.McpHttp;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server answers MCP at /mcp beside the REST API, with the same API keys: what an agent adds
 * through MCP, the REST API finds in the key's tenant, and the other way round.
 */
class McpOverServerIT {
    @TempDir
    static Path dir;
    private static LociServer server;
    private static Http rest;
    private static String writeKey;
    private static String readKey;
    private static String otherTenantKey;

    @BeforeAll
    static void start() {
        var options = TestServers.options(dir);
        writeKey = options.apiKeys().create("acme", Role.WRITE).token();
        readKey = options.apiKeys().create("acme", Role.READ).token();
        otherTenantKey = options.apiKeys().create("globex", Role.WRITE).token();
        server = LociServer.start(TestServers.fakeEngine(), options);
        rest = new Http(server.port(), writeKey);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void whatMcpAddsTheRestApiFindsInTheKeysTenant() {
        try (McpSyncClient mcp = client(writeKey)) {
            CallToolResult added = mcp.callTool(call("add_memory",
                    Map.of("text", "Maya's greyhound is called Biscuit.", "user_id", "maya", "client_id", "m-1")));
            assertFalse(Boolean.TRUE.equals(added.isError()), text(added));
        }
        var found = rest.post("/v1/memories/search", "{\"userId\":\"maya\",\"query\":\"greyhound name\"}");
        assertEquals(200, found.status(), found.body());
        assertTrue(found.body().contains("Biscuit"), found.body());

        try (McpSyncClient other = client(otherTenantKey)) {
            CallToolResult search = other.callTool(call("search_memories",
                    Map.of("query", "greyhound name", "user_id", "maya")));
            assertFalse(text(search).contains("Biscuit"), "another tenant's key sees nothing: " + text(search));
        }
    }

    @Test
    void aReadOnlyKeyOrNoKeyIsRefused() {
        assertThrows(RuntimeException.class, () -> client(readKey).close(), "MCP tools write, so a read key is refused");
        assertThrows(RuntimeException.class, () -> client("loci_nope_nope").close());
    }

    private static McpSyncClient client(String key) {
        var transport = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + server.port())
                .endpoint(McpHttp.ENDPOINT)
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

    private static String text(CallToolResult result) {
        return ((TextContent) result.content().getFirst()).text();
    }
}
