package dev.loci.server;

import dev.loci.mcp.McpHttp;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import dev.loci.Loci;
import dev.loci.spi.StoreStats;
import dev.loci.json.LociJson;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Loci as an HTTP service: the REST API under {@code /v1} (described by {@code /v1/openapi.json}),
 * {@code /health}, {@code /ready} and Prometheus {@code /metrics}, on Javalin; and the memory console,
 * a page at {@code /console} that calls the REST API ({@link ConsoleAssets}).
 *
 * <p>Every {@code /v1} request but the OpenAPI document carries an API key
 * ({@code Authorization: Bearer loci_...}); its tenant scopes everything the request touches, so
 * no request can read or change another tenant's memories. At most
 * {@link ServerOptions#maxPendingRequests()} requests wait for the engine at once; one more is
 * answered 429 at once. Every error is an {@code application/problem+json} document
 * ({@link Problems}); every response carries an {@code X-Request-Id}, also written to the request log.
 *
 * <p>{@link #close()} refuses new requests (503), waits for those in flight (up to
 * {@link ServerOptions#drainTimeout()}), stops listening, then closes the engine. Thread-safe.
 */
public final class LociServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.loci.server");
    private static final System.Logger ACCESS = System.getLogger("dev.loci.server.access");
    private static final String REQUEST_ID = "loci.requestId";
    private static final String STARTED = "loci.started";
    private static final String ROUTE = "loci.route";
    private static final String TENANT = "loci.tenant";
    private static final String KEY_ID = "loci.keyId";

    private enum State { STARTING, RUNNING, STOPPING, STOPPED, FAILED }

    private final ServerOptions options;
    private final ServerMetrics metrics;
    private final Semaphore pending;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<String> routes = new ArrayList<>();
    private final byte[] openApi;
    private volatile Loci loci;
    private volatile State state = State.STARTING;
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private volatile Thread opener;
    private final Javalin app;

    private LociServer(ServerOptions options) {
        options.requireAuthMode();
        this.options = options;
        this.pending = new Semaphore(options.maxPendingRequests());
        this.openApi = resource("openapi.json");
        this.metrics = new ServerMetrics(this::statsForMetrics,
                () -> options.maxPendingRequests() - pending.availablePermits());
        MemoryRoutes api = new MemoryRoutes(this::engine, metrics, options.maxBodyBytes());
        ConsoleAssets console = ConsoleAssets.load();
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.startupWatcherEnabled = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = options.maxBodyBytes();
            config.jetty.host = options.host();
            config.jetty.port = options.port();
            config.jetty.modifyServer(server -> server.setStopTimeout(options.drainTimeout().toMillis()));
            config.jetty.modifyServletContextHandler(handler -> {
                // MCP over streamable HTTP beside the REST API, with the same keys; "/mcp" outranks Javalin's "/*"
                var mcp = new ServletHolder("mcp", McpHttp.servlet(new DeferredLoci(this::engine), this::mcpTenant));
                mcp.setAsyncSupported(true);
                handler.addServlet(mcp, McpHttp.ENDPOINT);
            });
            var r = config.routes;
            r.before(this::beforeEach);
            r.after(this::afterEach);
            r.exception(HttpResponseException.class, (e, ctx) -> fail(ctx, e));
            r.exception(Exception.class, (e, ctx) -> fail(ctx, e));
            route(r, HandlerType.GET, "/health", null, ctx -> MemoryRoutes.json(ctx, 200,
                    LociJson.mapper().createObjectNode().put("status", "up")));
            route(r, HandlerType.GET, "/ready", null, this::ready);
            route(r, HandlerType.GET, "/metrics", null, ctx -> ctx.contentType(
                    "text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            route(r, HandlerType.GET, "/v1/openapi.json", null, ctx -> ctx.contentType("application/json")
                    .result(openApi));
            route(r, HandlerType.POST, "/v1/memories", Role.WRITE, api::remember);
            route(r, HandlerType.POST, "/v1/memories/search", Role.READ, api::search);
            route(r, HandlerType.POST, "/v1/memories/forget", Role.WRITE, api::forget);
            route(r, HandlerType.GET, "/v1/memories/count", Role.READ, api::count);
            route(r, HandlerType.GET, "/v1/memories", Role.READ, api::list);
            route(r, HandlerType.DELETE, "/v1/memories", Role.WRITE, api::purge);
            route(r, HandlerType.GET, "/v1/memories/{id}", Role.READ, api::get);
            route(r, HandlerType.PATCH, "/v1/memories/{id}", Role.WRITE, api::update);
            route(r, HandlerType.DELETE, "/v1/memories/{id}", Role.WRITE, api::delete);
            route(r, HandlerType.GET, "/v1/memories/{id}/history", Role.READ, api::history);
            route(r, HandlerType.PUT, "/v1/memories/{id}/pinned", Role.WRITE, api::pin);
            route(r, HandlerType.POST, "/v1/context", Role.READ, api::context);
            route(r, HandlerType.POST, "/v1/consolidate", Role.WRITE, api::consolidate);
            route(r, HandlerType.GET, "/v1/users", Role.READ, api::users);
            route(r, HandlerType.GET, "/v1/stats", Role.ADMIN, api::stats);
            for (String path : console.paths()) { // pages, not API: kept out of routes() and the OpenAPI document
                r.addHttpHandler(HandlerType.GET, path, ctx -> {
                    ctx.attribute(ROUTE, path);
                    console.serve(ctx, path);
                });
            }
            r.addHttpHandler(HandlerType.GET, "/", ctx -> { // the server's address, opened in a browser
                ctx.attribute(ROUTE, "/");
                ctx.redirect("/console", io.javalin.http.HttpStatus.FOUND);
            });
        });
    }

    /** Starts serving {@code loci}, which the server then owns: {@link #close()} closes it. */
    public static LociServer start(Loci loci, ServerOptions options) {
        Objects.requireNonNull(loci, "loci");
        LociServer server = new LociServer(options);
        server.loci = loci;
        server.state = State.RUNNING;
        server.opened.complete(null);
        server.listen();
        return server;
    }

    /**
     * Starts listening at once and opens the engine in the background (loading a model takes
     * seconds): until it is open, {@code /ready} and {@code /v1} answer 503. If opening fails the
     * server stays unready and logs why.
     */
    public static LociServer startOpening(Supplier<Loci> opener, ServerOptions options) {
        Objects.requireNonNull(opener, "opener");
        LociServer server = new LociServer(options);
        server.listen();
        server.opener = Thread.ofPlatform().name("loci-server-open").daemon().start(() -> {
            try {
                Loci opened = opener.get();
                synchronized (server) {
                    if (server.state == State.STARTING) {
                        server.loci = opened;
                        server.state = State.RUNNING;
                        server.opened.complete(null);
                        LOG.log(Level.INFO, "engine open; ready on port " + server.port());
                        return;
                    }
                }
                opened.close(); // closed while opening
                server.opened.completeExceptionally(new IllegalStateException("closed while opening"));
            } catch (RuntimeException e) {
                synchronized (server) {
                    if (server.state == State.STARTING) {
                        server.state = State.FAILED;
                    }
                }
                server.opened.completeExceptionally(e);
                if (e instanceof dev.loci.LociException) { // says what is wrong in the user's terms
                    LOG.log(Level.ERROR, "cannot open the engine; the server stays unready: " + e.getMessage());
                } else {
                    LOG.log(Level.ERROR, "cannot open the engine; the server stays unready", e);
                }
            }
        });
        return server;
    }

    private void listen() {
        try {
            app.start();
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
        if (options.noAuthTenant() != null) {
            LOG.log(Level.WARNING, "AUTHENTICATION IS OFF (--no-auth): every request on " + options.host() + ":"
                    + port() + " is an admin of tenant '" + options.noAuthTenant() + "'. Never expose this port.");
        }
        LOG.log(Level.INFO, "listening on http://" + options.host() + ":" + port());
    }

    /** The port the server listens on (the chosen one when started with port 0). */
    public int port() {
        return app.port();
    }

    /**
     * Completes when the engine is open and requests are served; completes exceptionally with the
     * reason when it could not be opened (or the server was closed first), so a command can exit
     * instead of staying unready.
     */
    public CompletionStage<Void> opened() {
        return opened.copy();
    }

    /** Whether the engine is open and requests are being accepted. */
    public boolean isReady() {
        return state == State.RUNNING;
    }

    /**
     * Method and path of every API route, e.g. {@code GET /v1/memories/{id}}, in registration order
     * (the console's static files are not among them).
     */
    List<String> routes() {
        return List.copyOf(routes);
    }

    /**
     * Stops: new requests get 503, requests in flight finish (up to the drain timeout), the port
     * closes, then the engine closes. Idempotent.
     */
    @Override
    public void close() {
        Loci engine;
        synchronized (this) {
            if (state == State.STOPPING || state == State.STOPPED) {
                return;
            }
            state = State.STOPPING;
            engine = loci;
        }
        Thread opening = opener;
        if (opening != null && engine == null) {
            try { // an engine still opening is closed by its opener: wait, so the directory is released on return
                opening.join(options.drainTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long deadline = System.nanoTime() + options.drainTimeout().toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) {
            LOG.log(Level.WARNING, inFlight.get() + " requests still running after the drain timeout");
        }
        try {
            app.stop();
        } finally {
            try {
                if (engine != null) {
                    engine.close();
                }
            } finally {
                metrics.close();
                state = State.STOPPED;
                LOG.log(Level.INFO, "stopped");
            }
        }
    }

    // ---- request pipeline ----

    private void route(io.javalin.config.RoutesConfig r, HandlerType method, String path, Role role,
                       Handler handler) {
        routes.add(method.name() + " " + path);
        r.addHttpHandler(method, path, ctx -> {
            ctx.attribute(ROUTE, path);
            if (role == null) {
                handler.handle(ctx);
                return;
            }
            requireRunning();
            authorize(ctx, role);
            if (!pending.tryAcquire()) {
                throw new ProblemException(Problem.of(429, "overloaded", "Too many requests",
                        "the server already has " + options.maxPendingRequests() + " requests pending; retry shortly"));
            }
            try {
                handler.handle(ctx);
            } finally {
                pending.release();
            }
        });
    }

    private void beforeEach(Context ctx) {
        inFlight.incrementAndGet();
        ctx.attribute(STARTED, System.nanoTime());
        String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        ctx.attribute(REQUEST_ID, id);
        ctx.header("X-Request-Id", id);
    }

    private void afterEach(Context ctx) {
        try {
            Long started = ctx.attribute(STARTED);
            long nanos = started == null ? 0 : System.nanoTime() - started;
            String route = Objects.requireNonNullElse(ctx.attribute(ROUTE), "unmatched");
            int status = ctx.statusCode();
            metrics.request(ctx.method().name(), route, status, nanos);
            // 503 (starting, stopping) is expected and polled for by /ready: not a warning
            Level level = status >= 500 && status != 503 ? Level.WARNING : Level.INFO;
            if (ACCESS.isLoggable(level)) { // the line is built only when it is written
                ACCESS.log(level, String.format(Locale.ROOT,
                        "request id=%s method=%s path=%s route=%s status=%d ms=%.2f tenant=%s key=%s",
                        ctx.<String>attribute(REQUEST_ID), ctx.method().name(), ctx.path(), route, status,
                        nanos / 1e6, Objects.requireNonNullElse(ctx.attribute(TENANT), "-"),
                        Objects.requireNonNullElse(ctx.attribute(KEY_ID), "-")));
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void fail(Context ctx, Exception e) {
        String requestId = Objects.requireNonNullElse(ctx.attribute(REQUEST_ID), "-");
        Problems.write(ctx, Problems.toProblem(e, requestId), requestId);
    }

    private void ready(Context ctx) {
        if (state != State.RUNNING) {
            throw new ProblemException(unavailable());
        }
        MemoryRoutes.json(ctx, 200, LociJson.mapper().createObjectNode().put("status", "ready"));
    }

    private void requireRunning() {
        if (state != State.RUNNING) {
            throw new ProblemException(unavailable());
        }
    }

    private Problem unavailable() {
        return switch (state) {
            case STARTING -> Problem.of(503, "unavailable", "Service unavailable",
                    "the server is starting (loading the model, opening the store)");
            case FAILED -> Problem.of(503, "unavailable", "Service unavailable",
                    "the engine could not be opened; see the server log");
            default -> Problem.of(503, "unavailable", "Service unavailable", "the server is stopping");
        };
    }

    private void authorize(Context ctx, Role required) {
        String tenant;
        Role role;
        String header = ctx.header("Authorization");
        String bearer = header != null && header.length() > 7 && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim() : null;
        if (options.localAccess() != null && LocalAccess.isLocal(bearer)) {
            tenant = authorizeLocal(ctx, bearer, required);
            role = Role.ADMIN;
        } else if (options.noAuthTenant() != null) {
            tenant = options.noAuthTenant();
            role = Role.ADMIN;
        } else {
            if (header == null || header.isBlank()) {
                throw unauthorized(ctx, "an API key is required: Authorization: Bearer loci_...");
            }
            if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw unauthorized(ctx, "the Authorization header must use the Bearer scheme");
            }
            ApiKeys.Key key = options.apiKeys().authenticate(header.substring(7).trim())
                    .orElseThrow(() -> unauthorized(ctx, "the API key is not valid (unknown, revoked or mistyped)"));
            ctx.attribute(KEY_ID, key.id());
            tenant = key.tenant();
            role = key.role();
        }
        ctx.attribute(TENANT, tenant);
        if (!role.allows(required)) {
            throw new ProblemException(Problem.of(403, "forbidden", "Forbidden",
                    "this key has the " + role.label() + " role; " + ctx.method().name() + " " + ctx.attribute(ROUTE)
                            + " needs " + required.label()));
        }
    }

    /**
     * The tenant a {@link LocalAccess} token works in: only this server's secret, only from an address
     * of this machine, and without a tenant only for store-wide (admin) routes.
     */
    private String authorizeLocal(Context ctx, String token, Role required) {
        String tenant = options.localAccess().tenantOf(token).orElseThrow(() -> unauthorized(ctx,
                "the local access token is not this server's (it changes each time loci serve starts)"));
        if (!fromThisMachine(ctx.req().getRemoteAddr())) {
            throw unauthorized(ctx, "a local access token is accepted only from this machine");
        }
        ctx.attribute(KEY_ID, "local");
        if (tenant.isEmpty()) {
            if (required != Role.ADMIN) {
                throw new ProblemException(Problem.of(403, "forbidden", "Forbidden",
                        "this local access token names no tenant; " + ctx.method().name() + " " + ctx.attribute(ROUTE)
                                + " works in one"));
            }
            return "-";
        }
        return tenant;
    }

    private static boolean fromThisMachine(String remoteAddress) {
        try {
            java.net.InetAddress a = java.net.InetAddress.getByName(remoteAddress);
            return a.isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(a) != null;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static ProblemException unauthorized(Context ctx, String detail) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"loci\"");
        return new ProblemException(Problem.of(401, "unauthorized", "Unauthorized", detail));
    }

    /** The tenant the authenticated key of this request belongs to. */
    static String tenant(Context ctx) {
        String tenant = ctx.attribute(TENANT);
        if (tenant == null) {
            throw new IllegalStateException("route reached without authentication");
        }
        return tenant;
    }

    /**
     * The tenant an MCP request's key stands for. MCP tools both read and write, so a key needs the
     * write role; without keys (loopback development) any bearer token works in the fixed tenant.
     */
    private Optional<String> mcpTenant(String token) {
        if (options.noAuthTenant() != null) {
            return Optional.of(options.noAuthTenant());
        }
        return options.apiKeys().authenticate(token).filter(k -> k.role().allows(Role.WRITE)).map(ApiKeys.Key::tenant);
    }

    private Loci engine() {
        Loci engine = loci;
        if (engine == null || state != State.RUNNING && state != State.STOPPING) {
            throw new ProblemException(unavailable());
        }
        return engine;
    }

    /** The running engine's figures for the meters; null while starting or stopping, or if they fail. */
    private StoreStats statsForMetrics() {
        Loci engine = loci;
        if (engine == null || state != State.RUNNING) {
            return null;
        }
        try {
            return engine.stats();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = LociServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + name, e);
        }
    }

    static Duration drainTimeout(ServerOptions options) {
        return options.drainTimeout();
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
