package dev.loci.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.TypeRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client nobody here wrote: the MCP Inspector's CLI ({@code scripts/install-node-tools}
 * installs it, pinned) lists the stdio server's tools (with its strict schema-portability check)
 * and calls them. Skipped, saying why, where the inspector is not installed.
 */
class InspectorCliIT {
    private static final Path INSPECTOR = Path.of("..").toAbsolutePath().normalize()
            .resolve(".tools/node/node_modules/.bin/mcp-inspector");

    @TempDir
    Path dir;

    @Test
    void inspectorListsAndCallsTheTools() throws Exception {
        assumeTrue(Files.isExecutable(INSPECTOR), "MCP Inspector not installed at " + INSPECTOR
                + ": run scripts/install-node-tools (needs node and npm) to include this test");
        Result list = inspector("--method", "tools/list", "--strict");
        assertEquals(0, list.exit, "--strict reports no schema portability error\n" + list.stderr);
        List<?> tools = (List<?>) list.json().get("tools");
        List<String> names = tools.stream().map(t -> (String) ((Map<?, ?>) t).get("name")).sorted().toList();
        assertEquals(List.of("add_memory", "delete_all_memories", "delete_memory", "get_context", "get_memory",
                "get_memory_history", "get_profile", "list_memories", "search_memories", "update_memory"), names);
        for (Object tool : tools) {
            Map<?, ?> schema = (Map<?, ?>) ((Map<?, ?>) tool).get("inputSchema");
            assertEquals("object", schema.get("type"), tool.toString());
        }

        Result added = inspector("--method", "tools/call", "--tool-name", "add_memory",
                "--tool-arg", "text=Our cat Miso hates the vacuum cleaner.", "speaker=Maya");
        assertEquals(0, added.exit, added.stderr);
        assertEquals(false, added.json().get("isError"), added.stdout);
        String id = (String) ((Map<?, ?>) added.json().get("structuredContent")).get("id");

        Result found = inspector("--method", "tools/call", "--tool-name", "search_memories",
                "--tool-arg", "query=What is the cat called?");
        assertEquals(0, found.exit, found.stderr);
        String text = (String) ((Map<?, ?>) ((List<?>) found.json().get("content")).getFirst()).get("text");
        assertTrue(text.contains(id) && text.contains("Miso"), found.stdout);

        Result refused = inspector("--method", "tools/call", "--tool-name", "delete_all_memories");
        assertEquals(true, refused.json().get("isError"), refused.stdout);
        assertFalse(refused.stdout.contains("Exception"), refused.stdout);
    }

    /** Runs the inspector CLI against a fresh stdio server on this test's data directory. */
    private Result inspector(String... arguments) throws Exception {
        ServerParameters server = McpStdioIT.server(dir.resolve("mem"));
        var command = new ArrayList<String>(List.of(INSPECTOR.toString(), "--cli", server.getCommand()));
        command.addAll(server.getArgs());
        command.addAll(List.of(arguments));
        Path out = dir.resolve("out.json");
        Path err = dir.resolve("err.txt");
        var builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("HOME", dir.toString()); // the inspector keeps its catalog under ~
        Process process = builder.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the inspector did not finish in 180 s: " + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private record Result(int exit, String stdout, String stderr) {
        Map<String, Object> json() throws java.io.IOException {
            return McpJsonDefaults.getMapper().readValue(stdout, new TypeRef<>() {
            });
        }
    }
}
