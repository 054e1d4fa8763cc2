package dev.loci.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loci.ContextBlock;
import dev.loci.ForgetResult;
import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.Lifecycle;
import dev.loci.Memory;
import dev.loci.MemoryPage;
import dev.loci.RecallResult;
import dev.loci.Recalled;
import dev.loci.RememberResult;
import dev.loci.Scope;
import dev.loci.UserPage;
import dev.loci.UserSummary;
import dev.loci.Signal;
import dev.loci.spi.StoreStats;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one JSON form of Loci's results, shared by the command line, the server, the client and the
 * evaluation reports, so a memory looks the same wherever it is printed or sent.
 *
 * <p>Field names are camelCase and follow the Java records ({@link Memory}, {@link Recalled},
 * {@link ContextBlock}); times are ISO-8601 instants in UTC; absent optional values are
 * {@code null}. {@link #readMemory(JsonNode)} reads back what {@link #memory(Memory)} writes, so
 * a memory survives the round trip unchanged.
 *
 * <p>Thread-safe: the methods keep no state.
 */
public final class LociJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LociJson() {
    }

    /** The mapper the nodes here are made with (for callers that build their own nodes beside them). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** A memory with every field of {@link Memory}; {@code lifecycle} is left out when it is {@link Lifecycle#NONE}. */
    public static ObjectNode memory(Memory m) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", m.id());
        node.set("scope", scope(m.scope()));
        node.put("kind", m.kind().name());
        node.put("level", m.level());
        node.put("text", m.text());
        node.put("role", m.role());
        node.put("speaker", m.speaker());
        node.put("occurredAt", instant(m.occurredAt()));
        node.put("recordedAt", instant(m.recordedAt()));
        node.put("validFrom", instant(m.validFrom()));
        node.put("validTo", instant(m.validTo()));
        node.put("clientId", m.clientId());
        node.put("version", m.version());
        node.put("importance", m.importance());
        ObjectNode meta = node.putObject("metadata");
        m.metadata().forEach(meta::put);
        if (m.parentId() != null) {
            node.put("parentId", m.parentId());
        }
        if (!m.childIds().isEmpty()) {
            m.childIds().forEach(node.putArray("childIds")::add);
        }
        if (!m.sourceIds().isEmpty()) {
            m.sourceIds().forEach(node.putArray("sourceIds")::add);
        }
        if (!m.lifecycle().equals(Lifecycle.NONE)) {
            Lifecycle life = m.lifecycle();
            ObjectNode l = node.putObject("lifecycle");
            l.put("accessCount", life.accessCount());
            l.put("lastAccessedAt", instant(life.lastAccessedAt()));
            l.put("expiresAt", instant(life.expiresAt()));
            l.put("pinned", life.pinned());
            l.put("supersedes", life.supersedes());
            l.put("supersededBy", life.supersededBy());
        }
        return node;
    }

    /** Memories in order, for a history or a listing. */
    public static ArrayNode memories(List<Memory> memories) {
        ArrayNode array = MAPPER.createArrayNode();
        memories.forEach(m -> array.add(memory(m)));
        return array;
    }

    /** A page of a listing: {@code memories} newest first and the {@code nextCursor} (null on the last page). */
    public static ObjectNode page(MemoryPage page) {
        ObjectNode node = MAPPER.createObjectNode();
        node.set("memories", memories(page.memories()));
        node.put("nextCursor", page.nextCursor());
        return node;
    }

    /**
     * A page of a tenant's users: {@code users} (userId, memories, byKind: the kinds it has, in
     * {@code Kind} order, each with its count, lastActivity) and {@code nextCursor}.
     */
    public static ObjectNode users(UserPage page) {
        ObjectNode node = MAPPER.createObjectNode();
        var users = node.putArray("users");
        for (UserSummary u : page.users()) {
            ObjectNode user = users.addObject().put("userId", u.userId()).put("memories", u.memories());
            ObjectNode byKind = user.putObject("byKind");
            u.byKind().forEach((kind, n) -> byKind.put(kind.name(), n));
            user.put("lastActivity", u.lastActivity() == null ? null : u.lastActivity().toString());
        }
        node.put("nextCursor", page.nextCursor());
        return node;
    }

    /** The scope's four parts (null where unset). */
    public static ObjectNode scope(Scope s) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("tenant", s.tenant());
        node.put("userId", s.userId());
        node.put("agentId", s.agentId());
        node.put("sessionId", s.sessionId());
        return node;
    }

    /** A recalled memory: the memory's fields plus its fused {@code score} and per-signal {@code signals}. */
    public static ObjectNode recalled(Recalled r) {
        ObjectNode node = memory(r.memory());
        node.put("score", r.score());
        ObjectNode signals = node.putObject("signals");
        for (Signal s : r.signals()) {
            signals.putObject(s.name()).put("rank", s.rank()).put("score", s.score())
                    .put("contribution", s.contribution());
        }
        return node;
    }

    /** Recalled memories, best first. */
    public static ArrayNode recalled(List<Recalled> results) {
        ArrayNode array = MAPPER.createArrayNode();
        results.forEach(r -> array.add(recalled(r)));
        return array;
    }

    /** A recall's results under {@code results}, with the time it took in milliseconds under {@code tookMs}. */
    public static ObjectNode recallResult(RecallResult result) {
        ObjectNode node = MAPPER.createObjectNode();
        node.set("results", recalled(result.results()));
        node.put("tookMs", result.tookNanos() / 1e6);
        return node;
    }

    /** A context block: its text, token count, budget, encoding and what each line shows. */
    public static ObjectNode context(ContextBlock block) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("text", block.text());
        root.put("tokens", block.tokens());
        root.put("budget", block.budget());
        root.put("encoding", block.counter());
        ArrayNode items = root.putArray("items");
        for (ContextBlock.Item item : block.items()) {
            ObjectNode n = items.addObject();
            n.put("id", item.id());
            n.put("fidelity", item.fidelity().name());
            n.put("relevance", item.relevance());
            item.covers().forEach(n.putArray("covers")::add);
        }
        return root;
    }

    /** What a remember call did: how many messages it stored and skipped, and the stored ids. */
    public static ObjectNode remembered(RememberResult result) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("added", result.added());
        node.put("skipped", result.skipped());
        result.ids().forEach(node.putArray("ids")::add);
        return node;
    }

    /** What a forget or purge deleted; {@code totalRemoved} counts the matched memories plus the episodes removed with them. */
    public static ObjectNode forgotten(ForgetResult result) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("deleted", result.deleted());
        node.put("episodesRebuilt", result.episodesRebuilt());
        node.put("episodesRemoved", result.episodesRemoved());
        node.put("turnsRewritten", result.turnsRewritten());
        node.put("totalRemoved", result.totalRemoved());
        return node;
    }

    /** The size of a store: memories, bytes on disk and the store's own figures. */
    public static ObjectNode stats(StoreStats stats) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("memories", stats.memories());
        node.put("diskBytes", stats.diskBytes());
        ObjectNode details = node.putObject("details");
        new TreeMap<>(stats.details()).forEach(details::put);
        return node;
    }

    /** Indented JSON, for people. */
    public static String pretty(JsonNode node) {
        return write(PRETTY, node);
    }

    /** JSON on one line, for machines. */
    public static String compact(JsonNode node) {
        return write(MAPPER, node);
    }

    /**
     * Reads a memory as {@link #memory(Memory)} writes it.
     *
     * @throws InvalidInputException naming the field that is missing or malformed, e.g. {@code memory.scope.tenant}
     */
    public static Memory readMemory(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new InvalidInputException("memory", "must be an object");
        }
        JsonNode s = node.get("scope");
        if (s == null || !s.isObject()) {
            throw new InvalidInputException("memory.scope", "must be an object");
        }
        Scope scope = new Scope(text(s, "tenant", "memory.scope"), text(s, "userId", "memory.scope"),
                text(s, "agentId", "memory.scope"), text(s, "sessionId", "memory.scope"));
        Kind kind;
        try {
            kind = Kind.valueOf(required(node, "kind", "memory"));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("memory.kind", "is not a kind: " + node.get("kind").asText());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = node.get("metadata");
        if (meta != null && meta.isObject()) {
            meta.fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        }
        Lifecycle lifecycle = Lifecycle.NONE;
        JsonNode l = node.get("lifecycle");
        if (l != null && l.isObject()) {
            lifecycle = new Lifecycle(l.path("accessCount").asInt(0), time(l, "lastAccessedAt", "memory.lifecycle"),
                    time(l, "expiresAt", "memory.lifecycle"), l.path("pinned").asBoolean(false),
                    text(l, "supersedes", "memory.lifecycle"), text(l, "supersededBy", "memory.lifecycle"));
        }
        return new Memory(required(node, "id", "memory"), scope, kind, required(node, "text", "memory"),
                text(node, "role", "memory"), text(node, "speaker", "memory"),
                requiredTime(node, "occurredAt"), requiredTime(node, "recordedAt"), requiredTime(node, "validFrom"),
                time(node, "validTo", "memory"), text(node, "clientId", "memory"), strings(node, "sourceIds"),
                text(node, "parentId", "memory"), strings(node, "childIds"), node.path("version").asInt(1),
                node.path("importance").asDouble(0), metadata, lifecycle);
    }

    private static String write(ObjectMapper mapper, JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of JSON nodes always renders", e);
        }
    }

    private static String instant(Instant t) {
        return t == null ? null : t.toString();
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidInputException(where + "." + field, "must be a string");
        }
        return v.asText();
    }

    private static String required(JsonNode node, String field, String where) {
        String v = text(node, field, where);
        if (v == null) {
            throw new InvalidInputException(where + "." + field, "is required");
        }
        return v;
    }

    private static Instant time(JsonNode node, String field, String where) {
        String v = text(node, field, where);
        try {
            return v == null ? null : Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(where + "." + field, "must be an ISO-8601 instant such as "
                    + "2024-03-02T18:10:00Z, was '" + v + "'");
        }
    }

    private static Instant requiredTime(JsonNode node, String field) {
        Instant t = time(node, field, "memory");
        if (t == null) {
            throw new InvalidInputException("memory." + field, "is required");
        }
        return t;
    }

    private static List<String> strings(JsonNode node, String field) {
        List<String> out = new ArrayList<>();
        JsonNode v = node.get(field);
        if (v != null && v.isArray()) {
            v.forEach(e -> out.add(e.asText()));
        }
        return out;
    }
}
