package dev.loci.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loci.ContextBlock;
import dev.loci.ForgetResult;
import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Message;
import dev.loci.RecallQuery;
import dev.loci.RecallResult;
import dev.loci.Recalled;
import dev.loci.RememberResult;
import dev.loci.Scope;
import dev.loci.UserPage;
import dev.loci.UserSummary;
import dev.loci.Signal;
import dev.loci.TimeRange;
import dev.loci.json.LociJson;
import dev.loci.spi.StoreStats;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The REST API's JSON, both ways: request bodies and query strings from the engine's types, and
 * the engine's types back from the answers (which the server renders with {@link LociJson}; a
 * memory is read back with {@link LociJson#readMemory}). Stateless.
 */
final class Wire {
    private Wire() {
    }

    // ---- requests ----

    /** A body holding the scope's user, agent and session (the tenant comes from the API key). */
    static ObjectNode scoped(Scope scope) {
        ObjectNode node = LociJson.mapper().createObjectNode();
        putIfSet(node, "userId", scope.userId());
        putIfSet(node, "agentId", scope.agentId());
        putIfSet(node, "sessionId", scope.sessionId());
        return node;
    }

    static ObjectNode remember(Scope scope, List<Message> messages) {
        ObjectNode node = scoped(scope);
        ArrayNode array = node.putArray("messages");
        for (Message m : messages) {
            if (m == null) {
                array.addNull();
                continue;
            }
            ObjectNode n = array.addObject();
            putIfSet(n, "clientId", m.clientId());
            putIfSet(n, "role", m.role());
            putIfSet(n, "speaker", m.speaker());
            putIfSet(n, "text", m.text());
            putIfSet(n, "timestamp", m.timestamp());
            if (!m.metadata().isEmpty()) {
                ObjectNode meta = n.putObject("metadata");
                m.metadata().forEach(meta::put);
            }
            putIfSet(n, "expiresAt", m.expiresAt());
            if (m.pinned()) {
                n.put("pinned", true);
            }
        }
        return node;
    }

    /** Search and context bodies: the query's text and filters ({@code k} only for search). */
    static ObjectNode query(Scope scope, RecallQuery q, boolean withK) {
        ObjectNode node = scoped(scope);
        node.put("query", q.text());
        if (withK) {
            node.put("k", q.k());
        }
        filters(node, q.kinds(), q.timeRange(), q.metadata());
        putIfSet(node, "at", q.at());
        putIfSet(node, "asOf", q.asOf());
        putIfSet(node, "heldAt", q.heldAt());
        return node;
    }

    static ObjectNode filters(ObjectNode node, Set<Kind> kinds, TimeRange range, Map<String, String> metadata) {
        if (!kinds.isEmpty()) {
            ArrayNode array = node.putArray("kinds");
            new TreeSet<>(kinds).forEach(k -> array.add(k.name()));
        }
        if (range != null) {
            putIfSet(node, "from", range.from());
            putIfSet(node, "to", range.to());
        }
        if (!metadata.isEmpty()) {
            ObjectNode meta = node.putObject("metadata");
            metadata.forEach(meta::put);
        }
        return node;
    }

    /** {@code ?userId=..&agentId=..&sessionId=..} plus extra pairs, or "" when there is nothing to add. */
    static String queryString(Scope scope, Map<String, List<String>> extra) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (scope.userId() != null) {
            params.put("userId", List.of(scope.userId()));
        }
        if (scope.agentId() != null) {
            params.put("agentId", List.of(scope.agentId()));
        }
        if (scope.sessionId() != null) {
            params.put("sessionId", List.of(scope.sessionId()));
        }
        params.putAll(extra);
        StringBuilder sb = new StringBuilder();
        params.forEach((name, values) -> values.forEach(v -> sb.append(sb.isEmpty() ? '?' : '&')
                .append(name).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8))));
        return sb.toString();
    }

    /** An id as one path segment. */
    static String segment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void putIfSet(ObjectNode node, String field, Object value) {
        if (value != null) {
            node.put(field, value instanceof Instant t ? t.toString() : value.toString());
        }
    }

    // ---- answers ----

    static RememberResult remembered(JsonNode node) {
        return new RememberResult(strings(node.path("ids")), node.path("added").asInt(),
                node.path("skipped").asInt());
    }

    static RecallResult recallResult(JsonNode node) {
        List<Recalled> results = new ArrayList<>();
        for (JsonNode r : node.path("results")) {
            List<Signal> signals = new ArrayList<>();
            r.path("signals").properties().forEach(e -> signals.add(new Signal(e.getKey(),
                    e.getValue().path("rank").asInt(), e.getValue().path("score").asDouble(),
                    e.getValue().path("contribution").asDouble())));
            results.add(new Recalled(LociJson.readMemory(r), r.path("score").asDouble(), signals));
        }
        return new RecallResult(results, Math.round(node.path("tookMs").asDouble() * 1e6));
    }

    static ContextBlock context(JsonNode node) {
        List<ContextBlock.Item> items = new ArrayList<>();
        for (JsonNode i : node.path("items")) {
            items.add(new ContextBlock.Item(i.path("id").asText(), strings(i.path("covers")),
                    ContextBlock.Fidelity.valueOf(i.path("fidelity").asText()), i.path("relevance").asDouble()));
        }
        return new ContextBlock(node.path("text").asText(), node.path("tokens").asInt(), node.path("budget").asInt(),
                node.path("encoding").asText(), items);
    }

    static List<Memory> memories(JsonNode array) {
        List<Memory> out = new ArrayList<>();
        array.forEach(m -> out.add(LociJson.readMemory(m)));
        return out;
    }

    static ForgetResult forgotten(JsonNode node) {
        return new ForgetResult(node.path("deleted").asLong(), node.path("episodesRebuilt").asInt(),
                node.path("episodesRemoved").asInt(), node.path("turnsRewritten").asInt());
    }

    static UserPage users(JsonNode node) {
        List<UserSummary> users = new ArrayList<>();
        for (JsonNode u : node.path("users")) {
            JsonNode last = u.path("lastActivity");
            Map<Kind, Long> byKind = new EnumMap<>(Kind.class);
            u.path("byKind").properties().forEach(e -> byKind.put(Kind.valueOf(e.getKey()), e.getValue().asLong()));
            users.add(new UserSummary(u.path("userId").asText(), byKind,
                    last.isTextual() ? Instant.parse(last.asText()) : null));
        }
        return new UserPage(users, node.path("nextCursor").isTextual() ? node.path("nextCursor").asText() : null);
    }

    static StoreStats stats(JsonNode node) {
        Map<String, String> details = new LinkedHashMap<>();
        node.path("details").properties().forEach(e -> details.put(e.getKey(), e.getValue().asText()));
        return new StoreStats(node.path("memories").asLong(), node.path("diskBytes").asLong(), details);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
