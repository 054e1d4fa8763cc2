package dev.loci.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loci.ContextBlock;
import dev.loci.ForgetResult;
import dev.loci.ListQuery;
import dev.loci.Loci;
import dev.loci.Memory;
import dev.loci.MemoryFilter;
import dev.loci.MemoryPage;
import dev.loci.RecallResult;
import dev.loci.RememberResult;
import dev.loci.Scope;
import dev.loci.UserPage;
import dev.loci.engine.LociEngine;
import dev.loci.json.LociJson;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The handlers of the {@code /v1} routes, one method per operation of the Java API. Each reads its
 * request ({@link Requests}), calls the engine in the caller's tenant and renders the answer
 * ({@link LociJson}, the form the CLI prints too). Authentication, admission and errors are handled around them by
 * {@link LociServer}.
 */
final class MemoryRoutes {
    private static final Set<String> SCOPE_PARAMS = Set.of("userId", "agentId", "sessionId");
    private static final Set<String> USERS_PARAMS = Set.of("limit", "cursor");
    private static final Set<String> LIST_PARAMS = Set.of("kind", "from", "to", "metadata", "limit", "cursor", "asOf");

    /** How long {@code POST /v1/consolidate} waits for sessions and topics unless told: a request thread is held meanwhile. */
    static final long DEFAULT_CONSOLIDATE_WAIT_MS = 30_000;
    static final long MAX_CONSOLIDATE_WAIT_MS = 60_000;

    private final Supplier<Loci> engine;
    private final ServerMetrics metrics;
    private final long maxBodyBytes;

    MemoryRoutes(Supplier<Loci> engine, ServerMetrics metrics, long maxBodyBytes) {
        this.engine = engine;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** {@code POST /v1/memories}: remember messages; retrying with the same client ids adds nothing. */
    void remember(Context ctx) {
        Requests.RememberIn in = Requests.body(ctx, Requests.RememberIn.class, maxBodyBytes);
        Scope scope = Requests.scope(LociServer.tenant(ctx), in.userId(), in.agentId(), in.sessionId());
        var messages = Requests.messages(in.messages());
        RememberResult result = metrics.remember().record(() -> engine.get().remember(scope, messages));
        json(ctx, result.added() > 0 ? 201 : 200, LociJson.remembered(result));
    }

    /** {@code POST /v1/memories/search}: recall. */
    void search(Context ctx) {
        Requests.SearchIn in = Requests.body(ctx, Requests.SearchIn.class, maxBodyBytes);
        Scope scope = Requests.scope(LociServer.tenant(ctx), in.userId(), in.agentId(), in.sessionId());
        var query = Requests.query(in.query(), in.k(), in.kinds(), in.from(), in.to(), in.metadata(), in.at(),
                in.asOf(), in.heldAt());
        RecallResult result = metrics.recall().record(() -> engine.get().recall(scope, query));
        json(ctx, 200, LociJson.recallResult(result));
    }

    /** {@code POST /v1/context}: a prompt-ready block within a token budget. */
    void context(Context ctx) {
        Requests.ContextIn in = Requests.body(ctx, Requests.ContextIn.class, maxBodyBytes);
        Scope scope = Requests.scope(LociServer.tenant(ctx), in.userId(), in.agentId(), in.sessionId());
        if (in.budget() == null) {
            throw new ProblemException(Problem.unprocessable("budget", "is required: the most tokens the block may take"));
        }
        var query = Requests.query(in.query(), null, in.kinds(), in.from(), in.to(), in.metadata(), in.at(),
                in.asOf(), in.heldAt());
        ContextBlock block = metrics.context().record(() -> engine.get().context(scope, query, in.budget()));
        json(ctx, 200, LociJson.context(block));
    }

    /**
     * {@code POST /v1/consolidate}: closes the open episode tails of the conversations within the
     * scope, then waits (at most {@code timeoutMs}) for the sessions and topics built over them.
     */
    void consolidate(Context ctx) {
        Requests.ConsolidateIn in = Requests.body(ctx, Requests.ConsolidateIn.class, maxBodyBytes);
        Scope scope = Requests.scope(LociServer.tenant(ctx), in.userId(), in.agentId(), in.sessionId());
        long wait = in.timeoutMs() == null ? DEFAULT_CONSOLIDATE_WAIT_MS : in.timeoutMs();
        if (wait < 0 || wait > MAX_CONSOLIDATE_WAIT_MS) {
            throw new ProblemException(Problem.unprocessable("timeoutMs", "must be 0.." + MAX_CONSOLIDATE_WAIT_MS
                    + " milliseconds, was " + wait));
        }
        boolean complete = engine.get().awaitConsolidation(scope, Duration.ofMillis(wait));
        json(ctx, 200, LociJson.mapper().createObjectNode().put("complete", complete));
    }

    /** {@code GET /v1/memories/{id}}. */
    void get(Context ctx) {
        Scope scope = queryScope(ctx, Set.of());
        String id = ctx.pathParam("id");
        Memory m = engine.get().get(scope, id).orElseThrow(() -> notFound(id));
        json(ctx, 200, LociJson.memory(m));
    }

    /** {@code PATCH /v1/memories/{id}}: a new version with new text. */
    void update(Context ctx) {
        Requests.UpdateIn in = Requests.body(ctx, Requests.UpdateIn.class, maxBodyBytes);
        Scope scope = Requests.scope(LociServer.tenant(ctx), in.userId(), in.agentId(), in.sessionId());
        if (in.text() == null) {
            throw new ProblemException(Problem.unprocessable("text", "is required: the new text"));
        }
        String id = ctx.pathParam("id");
        Memory m = engine.get().update(scope, id, in.text()).orElseThrow(() -> notFound(id));
        json(ctx, 200, LociJson.memory(m));
    }

    /** {@code PUT /v1/memories/{id}/pinned}: pin (never evicted for capacity) or unpin a level-0 memory. */
    void pin(Context ctx) {
        Requests.PinIn in = Requests.body(ctx, Requests.PinIn.class, maxBodyBytes);
        Scope scope = Requests.scope(LociServer.tenant(ctx), in.userId(), in.agentId(), in.sessionId());
        if (in.pinned() == null) {
            throw new ProblemException(Problem.unprocessable("pinned", "is required: true or false"));
        }
        String id = ctx.pathParam("id");
        Memory m = engine.get().pin(scope, id, in.pinned()).orElseThrow(() -> notFound(id));
        json(ctx, 200, LociJson.memory(m));
    }

    /** {@code GET /v1/memories/{id}/history}: every version, oldest first. */
    void history(Context ctx) {
        Scope scope = queryScope(ctx, Set.of());
        String id = ctx.pathParam("id");
        List<Memory> versions = engine.get().history(scope, id);
        if (versions.isEmpty()) {
            throw notFound(id);
        }
        ObjectNode body = LociJson.mapper().createObjectNode();
        body.set("versions", LociJson.memories(versions));
        json(ctx, 200, body);
    }

    /** {@code DELETE /v1/memories/{id}}: the memory and its earlier versions. */
    void delete(Context ctx) {
        Scope scope = queryScope(ctx, Set.of());
        String id = ctx.pathParam("id");
        if (!engine.get().forget(scope, id)) {
            throw notFound(id);
        }
        ctx.status(204);
    }

    /** {@code POST /v1/memories/forget}: every memory of the scope that a (narrowing) filter matches. */
    void forget(Context ctx) {
        Requests.ForgetIn in = Requests.body(ctx, Requests.ForgetIn.class, maxBodyBytes);
        Scope scope = Requests.scope(LociServer.tenant(ctx), in.userId(), in.agentId(), in.sessionId());
        MemoryFilter filter = Requests.filter(in.kinds(), in.from(), in.to(), in.metadata());
        if (filter.isAll()) {
            throw new ProblemException(Problem.unprocessable("kinds",
                    "a filter is required (kinds, from, to or metadata); to delete a whole user or session use "
                            + "DELETE /v1/memories?userId=...&confirm=true"));
        }
        ForgetResult result = engine.get().forget(scope, filter);
        json(ctx, 200, LociJson.forgotten(result));
    }

    /** {@code DELETE /v1/memories?userId=...&confirm=true}: purge a user or a session. */
    void purge(Context ctx) {
        Scope scope = queryScope(ctx, Set.of("confirm"));
        if (scope.userId() == null && scope.sessionId() == null) {
            throw new ProblemException(Problem.unprocessable("userId",
                    "a userId or sessionId is required: a whole tenant cannot be purged over HTTP"));
        }
        String confirm = ctx.queryParam("confirm");
        if (!"true".equals(confirm)) {
            long n = engine.get().count(scope, MemoryFilter.all());
            throw new ProblemException(Problem.unprocessable("confirm",
                    "must be true to purge; this would delete " + n + " memories"));
        }
        ForgetResult result = engine.get().purge(scope);
        json(ctx, 200, LociJson.forgotten(result));
    }

    /** {@code GET /v1/memories/count}: how many memories of the scope match a filter. */
    void count(Context ctx) {
        Scope scope = queryScope(ctx, Set.of("kind", "from", "to"));
        MemoryFilter filter = Requests.filter(ctx.queryParams("kind"), single(ctx, "from"), single(ctx, "to"), null);
        long n = engine.get().count(scope, filter);
        json(ctx, 200, LociJson.mapper().createObjectNode().put("count", n));
    }

    /**
     * {@code GET /v1/memories?userId=...}: the scope's memories newest first, a page at a time
     * (Mem0: get_all). The next page's address is in the body ({@code nextCursor}) and in a
     * {@code Link: <...>; rel="next"} header.
     */
    void list(Context ctx) {
        Scope scope = queryScope(ctx, LIST_PARAMS);
        ListQuery query = new ListQuery(Requests.kinds("kind", ctx.queryParams("kind")),
                Requests.range(single(ctx, "from"), single(ctx, "to")), metadataParams(ctx.queryParams("metadata")),
                limit(single(ctx, "limit")), single(ctx, "cursor"), Requests.instant("asOf", single(ctx, "asOf")));
        MemoryPage page = engine.get().list(scope, query);
        if (page.nextCursor() != null) {
            ctx.header("Link", "<" + nextLink(ctx, page.nextCursor()) + ">; rel=\"next\"");
        }
        json(ctx, 200, LociJson.page(page));
    }

    /**
     * {@code GET /v1/users}: the key's tenant's users, ascending by id, with their memory counts and
     * last activity, a page at a time ({@code nextCursor} and a {@code Link: rel="next"} header).
     */
    void users(Context ctx) {
        for (var e : ctx.queryParamMap().entrySet()) {
            if (!USERS_PARAMS.contains(e.getKey())) {
                throw new ProblemException(Problem.malformed(e.getKey(), "is not a known query parameter; known: "
                        + USERS_PARAMS));
            }
            if (e.getValue().size() > 1) {
                throw new ProblemException(Problem.malformed(e.getKey(), "is given more than once"));
            }
        }
        String limitParam = single(ctx, "limit");
        int limit = limitParam == null ? UserPage.DEFAULT_LIMIT : limit(limitParam, UserPage.MAX_LIMIT);
        UserPage page = engine.get().users(LociServer.tenant(ctx), single(ctx, "cursor"), limit);
        if (page.nextCursor() != null) {
            ctx.header("Link", "<" + nextLink(ctx, page.nextCursor()) + ">; rel=\"next\"");
        }
        json(ctx, 200, LociJson.users(page));
    }

    private static int limit(String value) {
        return value == null ? ListQuery.DEFAULT_LIMIT : limit(value, ListQuery.MAX_LIMIT);
    }

    private static int limit(String value, int max) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ProblemException(Problem.malformed("limit", "must be a whole number in 1.."
                    + max + ", was " + value));
        }
    }

    /** {@code metadata=key:value} pairs, each given as its own parameter. */
    private static Map<String, String> metadataParams(List<String> pairs) {
        Map<String, String> out = new TreeMap<>();
        for (String pair : pairs) {
            int colon = pair.indexOf(':');
            if (colon <= 0) {
                throw new ProblemException(Problem.malformed("metadata", "must be key:value, was " + pair));
            }
            if (out.put(pair.substring(0, colon), pair.substring(colon + 1)) != null) {
                throw new ProblemException(Problem.malformed("metadata", "names " + pair.substring(0, colon)
                        + " more than once"));
            }
        }
        return out;
    }

    /** This request's path and query with the cursor replaced by {@code cursor}. */
    private static String nextLink(Context ctx, String cursor) {
        var query = new StringBuilder();
        for (var e : ctx.queryParamMap().entrySet()) {
            if (e.getKey().equals("cursor")) {
                continue;
            }
            for (String v : e.getValue()) {
                query.append(encode(e.getKey())).append('=').append(encode(v)).append('&');
            }
        }
        query.append("cursor=").append(encode(cursor));
        return ctx.path() + "?" + query;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** {@code GET /v1/stats}: store-wide size and model (admin keys only: it spans tenants). */
    void stats(Context ctx) {
        Loci loci = engine.get();
        ObjectNode root = LociJson.stats(loci.stats());
        if (loci instanceof LociEngine engine) {
            root.put("embedder", engine.embedder().modelId());
            root.put("dimensions", engine.embedder().dimensions());
        }
        json(ctx, 200, root);
    }

    private static Scope queryScope(Context ctx, Set<String> extra) {
        Map<String, List<String>> params = ctx.queryParamMap();
        for (var e : params.entrySet()) {
            String name = e.getKey();
            if (!SCOPE_PARAMS.contains(name) && !extra.contains(name)) {
                throw new ProblemException(Problem.malformed(name, "is not a known query parameter; known: "
                        + new TreeMap<>(Map.of("scope", SCOPE_PARAMS, "also", extra))));
            }
            if (e.getValue().size() > 1 && !name.equals("kind") && !name.equals("metadata")) {
                throw new ProblemException(Problem.malformed(name, "is given more than once"));
            }
        }
        return Requests.scope(LociServer.tenant(ctx), single(ctx, "userId"), single(ctx, "agentId"),
                single(ctx, "sessionId"));
    }

    private static String single(Context ctx, String name) {
        return ctx.queryParam(name);
    }

    private static ProblemException notFound(String id) {
        return new ProblemException(Problem.of(404, "not-found", "Not found",
                "no memory " + id + " in this scope"));
    }

    static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status);
        ctx.contentType("application/json");
        ctx.result(body.toString());
    }
}
