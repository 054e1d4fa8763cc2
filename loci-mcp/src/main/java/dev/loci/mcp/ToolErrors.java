package dev.loci.mcp;

import dev.loci.InvalidInputException;
import dev.loci.LociException;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place where a failed tool call becomes an MCP error result ({@code isError: true}): a
 * sentence the model can act on, plus {@code {"error": kind, "argument": name}} as structured
 * content. Never a stack trace: unexpected failures are logged to stderr and reported as internal.
 */
final class ToolErrors {
    private static final System.Logger LOG = System.getLogger(ToolErrors.class.getName());

    /** Engine field names (from {@link InvalidInputException#field()}) as the tools' argument names. */
    private static final Map<String, String> ARGUMENTS = Map.ofEntries(
            Map.entry("scope.userId", InputSchema.USER_ID),
            Map.entry("scope.agentId", InputSchema.AGENT_ID),
            Map.entry("scope.sessionId", InputSchema.SESSION_ID),
            Map.entry("query.text", "query"),
            Map.entry("query.k", "limit"),
            Map.entry("timeRange", "from"),
            Map.entry("id", "memory_id"),
            Map.entry("messages[0].text", "text"),
            Map.entry("messages[0].timestamp", "timestamp"),
            Map.entry("messages[0].clientId", "client_id"),
            Map.entry("messages[0].metadata", "metadata"));

    private ToolErrors() {
    }

    static CallToolResult of(String tool, RuntimeException e) {
        return switch (e) {
            case ToolArgumentException a -> invalid(a.argument(), "Invalid " + a.getMessage() + ".");
            case InvalidInputException i -> {
                String argument = ARGUMENTS.getOrDefault(i.field(), i.field());
                yield invalid(argument, "Invalid argument '" + argument + "': " + problem(i) + ".");
            }
            case LociException l when l.isRetriable() -> error("temporary",
                    "Loci could not complete " + tool + " for now (" + l.getMessage() + "); retrying later may work.");
            case LociException l -> error("failed", tool + " failed: " + l.getMessage());
            default -> {
                LOG.log(System.Logger.Level.ERROR, "tool " + tool + " failed unexpectedly", e);
                yield error("internal", tool + " failed with an internal error (" + e.getClass().getSimpleName()
                        + "); the server log has the details.");
            }
        };
    }

    /** A refusal that is not an exception: a missing confirmation, a memory that is not there. */
    static CallToolResult error(String kind, String message) {
        return result(message, Map.of("error", kind));
    }

    static CallToolResult notFound(String id, dev.loci.Scope scope) {
        return result("No memory with id '" + id + "' in " + Render.scope(scope)
                        + ". It may have been deleted, or belong to another user or session.",
                Map.of("error", "not_found", "memory_id", id));
    }

    private static CallToolResult invalid(String argument, String message) {
        var structured = new LinkedHashMap<String, Object>();
        structured.put("error", "invalid_argument");
        structured.put("argument", argument);
        return result(message, structured);
    }

    private static String problem(InvalidInputException e) {
        String prefix = e.field() + ": ";
        String message = e.getMessage();
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    private static CallToolResult result(String message, Map<String, Object> structured) {
        return CallToolResult.builder().addTextContent(message).structuredContent(structured).isError(true).build();
    }
}
