package dev.loci.mcp;

import dev.loci.Loci;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Loci as an MCP server over streamable HTTP: a servlet for {@value #ENDPOINT}, behind bearer keys.
 * A request without {@code Authorization: Bearer KEY}, or with a key {@link McpAuth} does not know,
 * gets 401 before any MCP processing; otherwise every tool call of the request acts within the
 * key's tenant (the key of each request decides, not the session it names).
 *
 * <p>Mount the servlet at {@value #ENDPOINT} with async support on (Jetty: {@code
 * holder.setAsyncSupported(true)}). Destroying it closes the MCP server, not the {@link Loci}, and
 * stops the threads the transport started (its idle-session sweeper runs on a scheduler of its own
 * that closing the transport leaves running, and its thread would keep the JVM alive).
 * Thread-safe.
 */
public final class McpHttp {
    /** The path the servlet answers on. */
    public static final String ENDPOINT = "/mcp";

    /**
     * The name of the threads of the scheduler the SDK's transport starts for its session sweeper
     * (Reactor names a single-thread scheduler after them). Only that scheduler is the transport's
     * own: others started while it is built are Reactor's shared ones, which other servers use.
     */
    static final String SWEEPER_THREADS = "streamable-http-server-transport-session-sweeper";

    /** While a transport is built on this thread, the sweeper schedulers it starts; null otherwise. */
    private static final ThreadLocal<List<Scheduler>> STARTING = new ThreadLocal<>();

    static {
        // Additive and keyed: any other decorator or scheduler factory of the application stays as it was.
        Schedulers.addExecutorServiceDecorator(McpHttp.class.getName(), (scheduler, executor) -> {
            List<Scheduler> started = STARTING.get();
            if (started != null && scheduler.toString().contains(SWEEPER_THREADS)) {
                started.add(scheduler);
            }
            return executor;
        });
    }

    private McpHttp() {
    }

    /** The servlet serving Loci's tools at {@value #ENDPOINT}, each request's tenant given by its key. */
    public static HttpServlet servlet(Loci loci, McpAuth auth) {
        Objects.requireNonNull(loci, "loci");
        Objects.requireNonNull(auth, "auth");
        List<Scheduler> schedulers = new ArrayList<>();
        HttpServletStreamableServerTransportProvider transport;
        STARTING.set(schedulers);
        try {
            transport = HttpServletStreamableServerTransportProvider.builder()
                    .jsonMapper(McpJsonDefaults.getMapper())
                    .mcpEndpoint(ENDPOINT)
                    .contextExtractor(request -> McpTransportContext.create(
                            Map.of(BearerServlet.CONNECTION, request.getAttribute(BearerServlet.CONNECTION))))
                    .build();
        } finally {
            STARTING.remove();
        }
        McpSyncServer server = LociMcp.configure(McpServer.sync(transport), LociMcp.tools(loci,
                exchange -> (ConnectionScope) exchange.transportContext().get(BearerServlet.CONNECTION)));
        return new BearerServlet(transport, server, auth, List.copyOf(schedulers));
    }

    /** Checks the bearer key, then hands the request to the SDK's transport servlet. */
    private static final class BearerServlet extends HttpServlet {
        static final String CONNECTION = "dev.loci.mcp.connection";
        private static final System.Logger LOG = System.getLogger(McpHttp.class.getName());
        private static final String PREFIX = "bearer ";

        private final transient HttpServletStreamableServerTransportProvider transport;
        private final transient McpSyncServer server;
        private final transient McpAuth auth;
        private final transient List<Scheduler> schedulers;

        BearerServlet(HttpServletStreamableServerTransportProvider transport, McpSyncServer server, McpAuth auth,
                      List<Scheduler> schedulers) {
            this.transport = transport;
            this.server = server;
            this.auth = auth;
            this.schedulers = schedulers;
        }

        @Override
        public void init(ServletConfig config) throws ServletException {
            super.init(config);
            transport.init(config);
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws ServletException, IOException {
            Optional<String> tenant;
            try {
                tenant = bearer(request).flatMap(auth::tenantFor);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "API key check failed", e);
                reply(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "internal",
                        "the API key could not be checked");
                return;
            }
            if (tenant.isEmpty()) {
                response.setHeader("WWW-Authenticate", "Bearer realm=\"loci\"");
                reply(response, HttpServletResponse.SC_UNAUTHORIZED, "unauthorized",
                        "send a valid API key as 'Authorization: Bearer KEY'");
                return;
            }
            request.setAttribute(CONNECTION, new ConnectionScope(tenant.get(), null));
            transport.service(request, response);
        }

        @Override
        public void destroy() {
            try {
                server.closeGracefully();
            } finally {
                schedulers.forEach(Scheduler::dispose);
            }
            super.destroy();
        }

        private static Optional<String> bearer(HttpServletRequest request) {
            String header = request.getHeader("Authorization");
            if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                return Optional.empty();
            }
            String token = header.substring(PREFIX.length()).strip();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        }

        private static void reply(HttpServletResponse response, int status, String error, String message)
                throws IOException {
            response.setStatus(status);
            response.setContentType("application/json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write("{\"error\":\"" + error + "\",\"message\":\"" + message + "\"}");
        }
    }
}
