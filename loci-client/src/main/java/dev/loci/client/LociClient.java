package dev.loci.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loci.ContextBlock;
import dev.loci.ForgetResult;
import dev.loci.InvalidInputException;
import dev.loci.Loci;
import dev.loci.ListQuery;
import dev.loci.LociException;
import dev.loci.Memory;
import dev.loci.MemoryFilter;
import dev.loci.MemoryPage;
import dev.loci.Message;
import dev.loci.RecallQuery;
import dev.loci.RecallResult;
import dev.loci.RememberResult;
import dev.loci.Scope;
import dev.loci.UserPage;
import dev.loci.json.LociJson;
import dev.loci.spi.StoreStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link Loci} over the REST API of a Loci server ({@code loci-server}), so code written against
 * the interface runs against a remote server unchanged:
 *
 * <pre>{@code
 * try (Loci loci = LociClient.builder().baseUrl("http://127.0.0.1:8080").apiKey(key).build()) {
 *     loci.remember(Scope.user("acme", "maya"), List.of(Message.of("Maya", "We adopted a greyhound.", null)));
 * }
 * }</pre>
 *
 * <p><b>Tenant.</b> The server takes the tenant from the API key, not from the request: a scope's
 * user, agent and session are sent, its tenant is not. Set {@link Builder#tenant(String)} to the
 * key's tenant and a scope naming another tenant fails here ({@link InvalidInputException} on
 * {@code scope.tenant}) instead of silently working in the key's tenant.
 *
 * <p><b>Methods and routes.</b> {@code remember} is {@code POST /v1/memories}; {@code recall}
 * {@code POST /v1/memories/search}; {@code context} {@code POST /v1/context} (the query's {@code k}
 * is not sent: context recalls its own candidates); {@code get}, {@code update}, {@code history},
 * {@code forget(scope, id)} and {@code pin} are {@code GET}, {@code PATCH}, {@code GET .../history},
 * {@code DELETE} and {@code PUT .../pinned} on {@code /v1/memories/{id}}, answering empty, false or an
 * empty list when the server says 404, as the engine does; {@code forget(scope, filter)} is
 * {@code POST /v1/memories/forget}, or the purge route for {@link MemoryFilter#all()};
 * {@code purge} is {@code DELETE /v1/memories?confirm=true} and needs a user or session in the scope
 * (the server does not purge a whole tenant); {@code count} is {@code GET /v1/memories/count}, which
 * has no metadata filter; {@code list} is {@code GET /v1/memories} (a metadata key holding {@code :}
 * cannot be sent there); {@code stats} is {@code GET /v1/stats} and needs an admin key;
 * {@code awaitConsolidation} is {@code POST /v1/consolidate} (the key's tenant, or the scope given),
 * sent again while the server has not caught up and time is left.
 * <b>Not available over REST</b>, so they throw {@link UnsupportedOperationException}:
 * {@link #compact()} and {@link #evictExpired()} (store-wide maintenance across tenants, run by the
 * server's operator; expiry also runs in the server's background), and {@code count} with
 * a metadata filter.
 *
 * <p><b>Errors</b> are the engine's: a 400/413/422 problem is an {@link InvalidInputException}
 * naming the field ({@code messages[0].text}); 401 an {@link AuthenticationException}; 403 an
 * {@link AccessDeniedException}; 429 and 503, once retries are spent, and network failures a
 * retriable {@link dev.loci.StorageException}; anything else a {@link LociException}.
 *
 * <p><b>Retries</b> with exponential backoff and jitter, honouring {@code Retry-After}, for calls
 * that are safe to repeat: the reads ({@code get}, {@code history}, {@code count}, {@code list}, {@code stats},
 * and {@code recall} and {@code context}, which change nothing but retention), {@code pin},
 * {@code forget(scope, id)}, {@code awaitConsolidation}, and {@code remember} when every message carries a client id (the
 * server skips those it already has). Other writes are sent once.
 *
 * <p>Thread-safe: share one instance between threads (it holds one {@link HttpClient}, which pools
 * connections). {@link #close()} closes that client if this instance created it.
 */
public final class LociClient implements Loci {
    /** The longest a {@code POST /v1/consolidate} request is asked to wait (the server allows 60 s). */
    static final Duration WAIT_PER_REQUEST = Duration.ofSeconds(20);

    private final Transport transport;
    private final Duration requestTimeout;
    private final String tenant;
    private final HttpClient ownedHttp;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LociClient(Builder b) {
        HttpClient http = b.httpClient;
        this.ownedHttp = http == null ? HttpClient.newBuilder().connectTimeout(b.connectTimeout)
                .version(HttpClient.Version.HTTP_1_1).build() : null;
        this.transport = new Transport(b.baseUrl, b.apiKey, http == null ? ownedHttp : http, b.requestTimeout,
                b.maxRetries, b.backoffBase, b.maxBackoff, b.sleeper, Clock.systemUTC());
        this.tenant = b.tenant;
        this.requestTimeout = b.requestTimeout;
    }

    /** A builder; {@link Builder#baseUrl(String)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public RememberResult remember(Scope scope, List<Message> messages) {
        check(scope);
        if (messages == null) {
            throw new InvalidInputException("messages", "is required");
        }
        boolean idempotent = !messages.isEmpty() && messages.stream().allMatch(m -> m != null && m.clientId() != null);
        return Wire.remembered(transport.send("POST", "/v1/memories", Wire.remember(scope, messages), idempotent,
                false).json());
    }

    @Override
    public RecallResult recall(Scope scope, RecallQuery query) {
        check(scope);
        if (query == null) {
            throw new InvalidInputException("query", "is required");
        }
        return Wire.recallResult(transport.send("POST", "/v1/memories/search", Wire.query(scope, query, true), true,
                false).json());
    }

    @Override
    public Optional<Memory> get(Scope scope, String id) {
        check(scope, id);
        var r = transport.send("GET", "/v1/memories/" + Wire.segment(id) + Wire.queryString(scope, Map.of()), null,
                true, true);
        return r.status() == 404 ? Optional.empty() : Optional.of(LociJson.readMemory(r.json()));
    }

    @Override
    public ContextBlock context(Scope scope, RecallQuery query, int tokenBudget) {
        check(scope);
        if (query == null) {
            throw new InvalidInputException("query", "is required");
        }
        ObjectNode body = Wire.query(scope, query, false).put("budget", tokenBudget);
        return Wire.context(transport.send("POST", "/v1/context", body, true, false).json());
    }

    @Override
    public Optional<Memory> update(Scope scope, String id, String text) {
        check(scope, id);
        ObjectNode body = Wire.scoped(scope);
        if (text != null) {
            body.put("text", text);
        }
        var r = transport.send("PATCH", "/v1/memories/" + Wire.segment(id), body, false, true);
        return r.status() == 404 ? Optional.empty() : Optional.of(LociJson.readMemory(r.json()));
    }

    @Override
    public List<Memory> history(Scope scope, String id) {
        check(scope, id);
        var r = transport.send("GET", "/v1/memories/" + Wire.segment(id) + "/history"
                + Wire.queryString(scope, Map.of()), null, true, true);
        return r.status() == 404 ? List.of() : Wire.memories(r.json().path("versions"));
    }

    @Override
    public boolean forget(Scope scope, String id) {
        check(scope, id);
        var r = transport.send("DELETE", "/v1/memories/" + Wire.segment(id) + Wire.queryString(scope, Map.of()),
                null, true, true);
        return r.status() != 404;
    }

    @Override
    public ForgetResult forget(Scope scope, MemoryFilter filter) {
        check(scope);
        if (filter == null) {
            throw new InvalidInputException("filter", "is required (MemoryFilter.all() for the whole scope)");
        }
        if (filter.isAll()) {
            return purge(scope);
        }
        ObjectNode body = Wire.filters(Wire.scoped(scope), filter.kinds(), filter.timeRange(), filter.metadata());
        return Wire.forgotten(transport.send("POST", "/v1/memories/forget", body, false, false).json());
    }

    @Override
    public ForgetResult purge(Scope scope) {
        check(scope);
        String query = Wire.queryString(scope, Map.of("confirm", List.of("true")));
        return Wire.forgotten(transport.send("DELETE", "/v1/memories" + query, null, false, false).json());
    }

    /**
     * {@inheritDoc}
     *
     * @throws UnsupportedOperationException for a filter on metadata, which the REST API cannot count by
     */
    @Override
    public long count(Scope scope, MemoryFilter filter) {
        check(scope);
        if (filter == null) {
            throw new InvalidInputException("filter", "is required (MemoryFilter.all() for the whole scope)");
        }
        if (!filter.metadata().isEmpty()) {
            throw new UnsupportedOperationException("GET /v1/memories/count has no metadata filter; "
                    + "count by kind and time range only");
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (!filter.kinds().isEmpty()) {
            List<String> kinds = new ArrayList<>();
            filter.kinds().stream().sorted().forEach(k -> kinds.add(k.name()));
            params.put("kind", kinds);
        }
        if (filter.timeRange() != null && filter.timeRange().from() != null) {
            params.put("from", List.of(filter.timeRange().from().toString()));
        }
        if (filter.timeRange() != null && filter.timeRange().to() != null) {
            params.put("to", List.of(filter.timeRange().to().toString()));
        }
        return transport.send("GET", "/v1/memories/count" + Wire.queryString(scope, params), null, true, false)
                .json().path("count").asLong();
    }

    @Override
    public MemoryPage list(Scope scope, ListQuery query) {
        check(scope);
        if (query == null) {
            throw new InvalidInputException("query", "is required (ListQuery.of() for the newest memories)");
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (!query.kinds().isEmpty()) {
            params.put("kind", query.kinds().stream().sorted().map(Enum::name).toList());
        }
        if (query.timeRange() != null && query.timeRange().from() != null) {
            params.put("from", List.of(query.timeRange().from().toString()));
        }
        if (query.timeRange() != null && query.timeRange().to() != null) {
            params.put("to", List.of(query.timeRange().to().toString()));
        }
        if (!query.metadata().isEmpty()) {
            List<String> pairs = new ArrayList<>();
            query.metadata().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                if (e.getKey().indexOf(':') >= 0) {
                    throw new InvalidInputException("query.metadata", "a listing cannot send the key " + e.getKey()
                            + " (GET /v1/memories takes key:value pairs; a key must not hold ':')");
                }
                pairs.add(e.getKey() + ":" + e.getValue());
            });
            params.put("metadata", pairs);
        }
        params.put("limit", List.of(Integer.toString(query.limit())));
        if (query.cursor() != null) {
            params.put("cursor", List.of(query.cursor()));
        }
        if (query.asOf() != null) {
            params.put("asOf", List.of(query.asOf().toString()));
        }
        var json = transport.send("GET", "/v1/memories" + Wire.queryString(scope, params), null, true, false).json();
        return new MemoryPage(Wire.memories(json.path("memories")),
                json.path("nextCursor").isTextual() ? json.path("nextCursor").asText() : null);
    }

    /** {@code GET /v1/users}: the tenant's users, a page at a time. */
    @Override
    public UserPage users(String tenant, String cursor, int limit) {
        check(Scope.tenant(tenant));
        if (limit < 1 || limit > UserPage.MAX_LIMIT) {
            throw new InvalidInputException("limit", "must be in 1.." + UserPage.MAX_LIMIT + ", was " + limit);
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        params.put("limit", List.of(Integer.toString(limit)));
        if (cursor != null) {
            params.put("cursor", List.of(cursor));
        }
        var json = transport.send("GET", "/v1/users" + Wire.queryString(Scope.tenant(tenant), params), null, true,
                false).json();
        return Wire.users(json);
    }

    /**
     * Not available over REST: compaction rewrites the whole store, across tenants, and is the
     * server operator's to run.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public void compact() {
        throw new UnsupportedOperationException("compact() is not part of the REST API: it rewrites the whole "
                + "store across tenants; run it on the server (the embedded engine's compact())");
    }

    @Override
    public Optional<Memory> pin(Scope scope, String id, boolean pinned) {
        check(scope, id);
        ObjectNode body = Wire.scoped(scope).put("pinned", pinned);
        var r = transport.send("PUT", "/v1/memories/" + Wire.segment(id) + "/pinned", body, true, true);
        return r.status() == 404 ? Optional.empty() : Optional.of(LociJson.readMemory(r.json()));
    }

    /**
     * Not available over REST: eviction spans every tenant, and the server already sweeps expired
     * memories in the background (expired ones are hidden from every read at once).
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public long evictExpired() {
        throw new UnsupportedOperationException("evictExpired() is not part of the REST API: it spans every "
                + "tenant, and the server sweeps expired memories in the background");
    }

    /** {@inheritDoc} Needs an admin key ({@link AccessDeniedException} otherwise). */
    @Override
    public StoreStats stats() {
        ensureOpen();
        return Wire.stats(transport.send("GET", "/v1/stats", null, true, false).json());
    }

    /**
     * {@code POST /v1/consolidate} for the whole tenant of the key: closes the open episode tails of
     * its conversations, then waits for the server's sessions and topics. A request waits at most
     * {@link #WAIT_PER_REQUEST} (and half the request timeout); it is sent again until the server
     * says it caught up or {@code timeout} passes. Needs a write key.
     */
    @Override
    public boolean awaitConsolidation(Duration timeout) {
        ensureOpen();
        return consolidate(LociJson.mapper().createObjectNode(), timeout);
    }

    /** As {@link #awaitConsolidation(Duration)}, without a time limit. */
    @Override
    public void awaitConsolidation() {
        ensureOpen();
        consolidate(LociJson.mapper().createObjectNode(), null);
    }

    /** As {@link #awaitConsolidation(Duration)} for the conversations within {@code scope} only. */
    @Override
    public boolean awaitConsolidation(Scope scope, Duration timeout) {
        check(scope);
        return consolidate(Wire.scoped(scope), timeout);
    }

    private boolean consolidate(ObjectNode scope, Duration timeout) {
        if (timeout != null && timeout.isNegative()) {
            throw new InvalidInputException("timeout", "must be a duration >= 0");
        }
        long start = System.nanoTime();
        long perRequest = Math.min(WAIT_PER_REQUEST.toMillis(), requestTimeout.toMillis() / 2);
        while (true) {
            long left = timeout == null ? perRequest
                    : Math.max(0, timeout.toMillis() - (System.nanoTime() - start) / 1_000_000);
            ObjectNode body = scope.deepCopy().put("timeoutMs", Math.min(left, perRequest));
            boolean complete = transport.send("POST", "/v1/consolidate", body, true, false).json()
                    .path("complete").asBoolean();
            if (complete || (timeout != null && left <= perRequest)) {
                return complete;
            }
        }
    }

    /** Closes the HTTP client if this instance created it (waiting for calls in flight). Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && ownedHttp != null) {
            ownedHttp.close();
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new LociException("this LociClient is closed");
        }
    }

    private void check(Scope scope) {
        ensureOpen();
        if (scope == null) {
            throw new InvalidInputException("scope", "is required (a tenant at least)");
        }
        if (tenant != null && !tenant.equals(scope.tenant())) {
            throw new InvalidInputException("scope.tenant", "this client works in tenant '" + tenant
                    + "', its API key's; was '" + scope.tenant() + "'");
        }
    }

    private void check(Scope scope, String id) {
        check(scope);
        if (id == null || id.isBlank()) {
            throw new InvalidInputException("id", "must not be blank");
        }
    }

    /**
     * Configures a {@link LociClient}. Every setter validates at once, naming the parameter. Not
     * thread-safe; build once and share the client.
     */
    public static final class Builder {
        private String baseUrl;
        private String apiKey;
        private String tenant;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private int maxRetries = 3;
        private Duration backoffBase = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private HttpClient httpClient;
        private Transport.Sleeper sleeper = d -> Thread.sleep(d);

        private Builder() {
        }

        /** The server, e.g. {@code http://127.0.0.1:8080} (http or https; no path). Required. */
        public Builder baseUrl(String url) {
            URI uri;
            try {
                uri = URI.create(Objects.requireNonNull(url, "baseUrl").replaceFirst("/+$", ""));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new InvalidInputException("baseUrl", "must be a URL such as http://127.0.0.1:8080, was " + url);
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()) || uri.getRawQuery() != null) {
                throw new InvalidInputException("baseUrl", "must be http(s)://host[:port] without a path, was " + url);
            }
            this.baseUrl = uri.toString();
            return this;
        }

        /** The API key ({@code loci_<id>_<secret>}), sent as {@code Authorization: Bearer}; none by default. */
        public Builder apiKey(String key) {
            if (key != null && (key.isBlank() || key.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
                throw new InvalidInputException("apiKey", "must be printable ASCII without spaces");
            }
            this.apiKey = key;
            return this;
        }

        /** The API key's tenant: scopes naming another tenant are refused here. Unset: not checked. */
        public Builder tenant(String keyTenant) {
            this.tenant = keyTenant == null ? null : Scope.tenant(keyTenant).tenant();
            return this;
        }

        /** Longest wait to open a connection, default 10 s; ignored with {@link #httpClient}. */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive("connectTimeout", d);
            return this;
        }

        /** Longest wait for one answer, default 60 s; a timed-out attempt counts as a network failure. */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = positive("requestTimeout", d);
            return this;
        }

        /** Retries after the first attempt of a call safe to repeat, 0..10, default 3. */
        public Builder maxRetries(int n) {
            if (n < 0 || n > 10) {
                throw new InvalidInputException("maxRetries", "must be in 0..10, was " + n);
            }
            this.maxRetries = n;
            return this;
        }

        /** Wait before the first retry (doubling each time, with jitter), default 100 ms. */
        public Builder backoffBase(Duration d) {
            this.backoffBase = positive("backoffBase", d);
            return this;
        }

        /** Longest wait between attempts, {@code Retry-After} included, default 10 s. */
        public Builder maxBackoff(Duration d) {
            this.maxBackoff = positive("maxBackoff", d);
            return this;
        }

        /** An HTTP client to use (proxy, TLS, executor); the client does not close it. Default: its own. */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "httpClient");
            return this;
        }

        /** How to wait between attempts (tests record instead of sleeping). */
        Builder sleeper(Transport.Sleeper s) {
            this.sleeper = Objects.requireNonNull(s, "sleeper");
            return this;
        }

        public LociClient build() {
            if (baseUrl == null) {
                throw new InvalidInputException("baseUrl", "is required, e.g. http://127.0.0.1:8080");
            }
            if (backoffBase.compareTo(maxBackoff) > 0) {
                throw new InvalidInputException("backoffBase", "must not exceed maxBackoff (" + maxBackoff + ")");
            }
            return new LociClient(this);
        }

        private static Duration positive(String field, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new InvalidInputException(field, "must be a positive duration, was " + d);
            }
            return d;
        }
    }
}
