package dev.loci.mcp;

import dev.loci.Loci;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Loci's tools for an MCP server: {@code add_memory}, {@code search_memories}, {@code get_context},
 * {@code get_memory}, {@code update_memory}, {@code get_memory_history}, {@code delete_memory},
 * {@code delete_all_memories} and {@code get_profile}, over any {@link Loci}.
 *
 * <p>Served as they are by {@link McpStdio} and {@link McpHttp}; another front end can add them to
 * its own server with {@link #tools(Loci, Function)} and {@link #configure}. Thread-safe.
 */
public final class LociMcp {
    /** What the server tells the model about itself when a client connects. */
    public static final String INSTRUCTIONS = """
            Loci is the user's long-term memory. Before answering something that may depend on earlier \
            conversations (preferences, people, plans, past events), call search_memories or get_context. \
            When the user shares something lasting or asks you to remember it, call add_memory. Use \
            update_memory to correct a memory and delete_memory when asked to forget something; \
            get_profile gives the user's current facts.""";

    private LociMcp() {
    }

    /** The tools, all acting within one fixed tenant and default user (a stdio server, an embedded use). */
    public static List<SyncToolSpecification> tools(Loci loci, ConnectionScope scope) {
        Objects.requireNonNull(scope, "scope");
        return tools(loci, exchange -> scope);
    }

    /**
     * The tools, each call acting within the scope {@code connections} resolves from the call's
     * exchange (for HTTP: from the API key of the request carrying it).
     */
    public static List<SyncToolSpecification> tools(Loci loci,
                                                    Function<McpSyncServerExchange, ConnectionScope> connections) {
        Objects.requireNonNull(loci, "loci");
        Objects.requireNonNull(connections, "connections");
        return new LociTools(loci).specifications(connections);
    }

    /**
     * Applies Loci's server name, version, instructions and tools to a server being built. Input
     * checking is Loci's own ({@code validateToolInputs(false)}): every bad argument is answered by
     * one error path that names it, the same whichever check would catch it.
     */
    public static <S extends McpServer.SyncSpecification<S>> McpSyncServer configure(
            McpServer.SyncSpecification<S> spec, List<SyncToolSpecification> tools) {
        return spec.serverInfo(serverInfo()).instructions(INSTRUCTIONS)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .validateToolInputs(false).tools(tools).build();
    }

    static McpSchema.Implementation serverInfo() {
        String version = LociMcp.class.getPackage().getImplementationVersion();
        return McpSchema.Implementation.builder("loci", version == null ? "dev" : version).title("Loci memory").build();
    }
}
