package dev.loci.mcp;

import static dev.loci.mcp.LociToolsTest.ok;
import static dev.loci.mcp.LociToolsTest.structured;
import static dev.loci.mcp.LociToolsTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stdio server as an MCP client runs it: a child JVM started with {@code McpStdio} on a real
 * data directory (ONNX embedder, Lucene store), driven by the SDK's client, and read byte for byte.
 */
class McpStdioIT {
    @TempDir
    Path dir;

    @Test
    void aClientDrivesEveryOperationOverStdio() {
        var transport = new StdioClientTransport(server(dir.resolve("mem")), McpJsonDefaults.getMapper());
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(120))
                .initializationTimeout(Duration.ofSeconds(120)).build()) {
            client.initialize();
            List<String> names = client.listTools().tools().stream().map(Tool::name).sorted().toList();
            assertEquals(10, names.size(), names.toString());

            String dog = id(ok(call(client, "add_memory", Map.of("text", "We adopted a greyhound called Biscuit.",
                    "speaker", "Maya", "timestamp", "2024-03-02T18:10:00Z"))));
            String nuts = id(ok(call(client, "add_memory", Map.of("text", "I'm seriously allergic to peanuts.",
                    "speaker", "Maya", "timestamp", "2024-03-02T18:12:00Z"))));

            CallToolResult found = ok(call(client, "search_memories", Map.of("query", "What is the dog called?",
                    "limit", 1)));
            assertTrue(text(found).contains(dog) && text(found).contains("Biscuit"), text(found));

            CallToolResult listed = ok(call(client, "list_memories", Map.of("limit", 1)));
            assertTrue(text(listed).contains(nuts) && text(listed).contains("cursor"), text(listed));

            CallToolResult context = ok(call(client, "get_context", Map.of("query", "What can Maya not eat?",
                    "token_budget", 300)));
            assertTrue(text(context).contains("peanuts"), text(context));

            ok(call(client, "update_memory", Map.of("memory_id", dog, "text",
                    "We adopted a greyhound called Biscuit; she is three years old.")));
            CallToolResult history = ok(call(client, "get_memory_history", Map.of("memory_id", dog)));
            assertEquals(2, ((List<?>) structured(history).get("versions")).size(), text(history));

            ok(call(client, "delete_memory", Map.of("memory_id", nuts)));
            CallToolResult gone = call(client, "get_memory", Map.of("memory_id", nuts));
            assertTrue(gone.isError() && text(gone).contains("No memory with id"), text(gone));

            CallToolResult refused = call(client, "delete_all_memories", Map.of("confirm", false));
            assertTrue(refused.isError() && text(refused).contains("confirm: true"), text(refused));
            CallToolResult wrongType = call(client, "search_memories", Map.of("query", "dog", "limit", "one"));
            assertTrue(wrongType.isError() && text(wrongType).contains("'limit'"), text(wrongType));
            assertTrue(text(ok(call(client, "search_memories", Map.of("query", "greyhound")))).contains(dog));
        }
    }

    @Test
    void stdoutCarriesOnlyProtocolAndTheServerStopsWhenStdinCloses() throws Exception {
        ServerParameters params = server(dir.resolve("mem"));
        var command = new ArrayList<String>();
        command.add(params.getCommand());
        command.addAll(params.getArgs());
        Path stderr = dir.resolve("stderr.txt");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        String requests = """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}
                {"jsonrpc":"2.0","method":"notifications/initialized"}
                {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add_memory","arguments":{"text":"I live in Lisbon."}}}
                {"jsonrpc":"2.0","id":3,"method":"tools/list"}
                """;
        process.getOutputStream().write(requests.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
        // Close stdin only once every answer is out: the server may stop reading at end of input.
        var lines = new ArrayList<String>();
        try (var out = process.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while (lines.size() < 3 && (line = out.readLine()) != null) {
                lines.add(line);
            }
            process.getOutputStream().close();
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the server should stop when stdin closes");
        assertEquals(0, process.exitValue(), Files.readString(stderr));
        assertEquals(3, lines.size(), String.join("\n", lines));
        for (String line : lines) {
            Map<String, Object> message = McpJsonDefaults.getMapper().readValue(line, new TypeRef<>() {
            });
            assertEquals("2.0", message.get("jsonrpc"), line);
            assertTrue(message.containsKey("result"), line);
        }
        assertTrue(Files.readString(stderr).contains("loci mcp: serving on stdio"), Files.readString(stderr));
    }

    /** A child JVM running McpStdio on {@code data} with this test's classpath. */
    static ServerParameters server(Path data) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return ServerParameters.builder(java).args("--enable-native-access=ALL-UNNAMED", "--add-modules",
                "jdk.incubator.vector", "-Dslf4j.internal.verbosity=ERROR", "-Xmx1g", "-cp", classpath,
                McpStdio.class.getName(), "--data-dir", data.toString(), "--tenant", "acme", "--user", "maya")
                .build();
    }

    private static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
        return client.callTool(CallToolRequest.builder(tool).arguments(arguments).build());
    }

    private static String id(CallToolResult added) {
        return (String) structured(added).get("id");
    }
}
