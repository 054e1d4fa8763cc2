package dev.loci.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a Mem0 export (docs/FORMATS.md): the JSON Mem0's {@code get_all} returns,
 * {@code {"results": [memory, ...]}}, a bare list of memories, or JSON Lines with one memory per
 * line. A Mem0 memory is a statement about a user that Mem0 wrote from a conversation Loci never
 * saw, so it becomes a level-0 {@link Kind#CHUNK}: a source text of its own, which a recall naming
 * no kind returns and the context block packs (Loci's own FACTs are left out of such a recall
 * because they repeat a stored turn; an imported statement repeats nothing).
 * <ul>
 *   <li>{@code id} (required) → id {@code mem0-<id>}, client id {@code <id>}: importing again replaces, never duplicates;</li>
 *   <li>{@code memory} (required, not blank) → text;</li>
 *   <li>{@code user_id}, {@code agent_id}, {@code run_id} → the scope's user, agent and session;</li>
 *   <li>{@code created_at} (ISO-8601, offset or not) → when it happened; import time if absent;</li>
 *   <li>{@code updated_at} → since when the text holds (Mem0 rewrote it then); {@code created_at} if absent;</li>
 *   <li>{@code metadata} (object of strings, numbers or booleans) → metadata; {@code categories} (list) →
 *       metadata {@code categories}, comma-separated; every memory gets {@code source=mem0}.</li>
 * </ul>
 * Other fields ({@code hash}, ...) are ignored. Errors name the file and the line (JSON Lines) or the
 * item ({@code results[3].memory}). Stateless.
 */
final class Mem0File {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** One memory read, with where it was in the file. */
    record Item(Memory memory, String where) {
    }

    private Mem0File() {
    }

    static List<Item> read(Path file, String tenant) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new InputFileException(file, null, "not UTF-8");
        } catch (IOException e) {
            throw new InputFileException(file, null, "cannot read: " + e.getMessage());
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (text.isBlank()) {
            throw new InputFileException(file, null, "is empty: no memories to import");
        }
        Instant now = Instant.now();
        List<Item> items = new ArrayList<>();
        if (file.getFileName().toString().endsWith(".jsonl")) {
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (!lines[i].isBlank()) {
                    String where = Integer.toString(i + 1);
                    items.add(new Item(memory(file, where, "", parse(file, where, lines[i]), tenant, now), where));
                }
            }
        } else {
            JsonNode root = parse(file, null, text);
            JsonNode list = root.isArray() ? root : root.has("results") ? root.get("results") : root.get("memories");
            String prefix = root.isArray() ? "" : root.has("results") ? "results" : "memories";
            if (list == null || !list.isArray()) {
                throw new InputFileException(file, null, "not a Mem0 export: expected {\"results\": [...]}, "
                        + "{\"memories\": [...]} or a list of memories");
            }
            for (int i = 0; i < list.size(); i++) {
                String where = prefix + "[" + i + "]";
                items.add(new Item(memory(file, where, where + ".", list.get(i), tenant, now), where));
            }
        }
        if (items.isEmpty()) {
            throw new InputFileException(file, null, "holds no memories to import");
        }
        return items;
    }

    private static JsonNode parse(Path file, String where, String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation(); // none when a reading limit (nesting depth, size) stopped the parser
            String at = where != null ? where : loc != null ? "line " + loc.getLineNr() : null;
            throw new InputFileException(file, where, "not JSON" + (at != null ? " (" + at + ")" : "") + ": "
                    + e.getOriginalMessage());
        }
    }

    private static Memory memory(Path file, String where, String path, JsonNode n, String tenant, Instant now) {
        if (n == null || !n.isObject()) {
            throw new InputFileException(file, where, "must be a JSON object (a Mem0 memory)");
        }
        String id = string(file, where, path, n, "id", true);
        String text = string(file, where, path, n, "memory", true);
        if (text.isBlank()) {
            throw new InputFileException(file, where, path + "memory: must not be blank");
        }
        Instant created = time(file, where, path, n, "created_at", now);
        Instant updated = time(file, where, path, n, "updated_at", created);
        if (updated.isBefore(created)) {
            throw new InputFileException(file, where, path + "updated_at: " + updated + " is before created_at "
                    + created + ": a memory cannot change before it exists");
        }
        Map<String, String> metadata = new TreeMap<>();
        JsonNode meta = n.get("metadata");
        if (meta != null && !meta.isNull()) {
            if (!meta.isObject()) {
                throw new InputFileException(file, where, path + "metadata: must be an object");
            }
            for (var it = meta.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    throw new InputFileException(file, where, path + "metadata." + e.getKey()
                            + ": must be a string, number or boolean");
                }
                metadata.put(e.getKey(), e.getValue().asText());
            }
        }
        JsonNode categories = n.get("categories");
        if (categories != null && !categories.isNull()) {
            if (!categories.isArray()) {
                throw new InputFileException(file, where, path + "categories: must be a list of strings");
            }
            List<String> names = new ArrayList<>();
            categories.forEach(c -> names.add(c.asText()));
            metadata.put("categories", String.join(",", names));
        }
        metadata.put("source", "mem0");
        try {
            Scope scope = new Scope(tenant, string(file, where, path, n, "user_id", false),
                    string(file, where, path, n, "agent_id", false), string(file, where, path, n, "run_id", false));
            return Memory.builder().id("mem0-" + id).clientId(id).scope(scope).kind(Kind.CHUNK).text(text)
                    .occurredAt(created).recordedAt(now.isBefore(updated) ? updated : now).validFrom(updated)
                    .metadata(metadata).build();
        } catch (InvalidInputException e) {
            throw new InputFileException(file, where, path + e.getMessage().replace("scope.userId", "user_id")
                    .replace("scope.agentId", "agent_id").replace("scope.sessionId", "run_id"));
        }
    }

    private static String string(Path file, String where, String path, JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new InputFileException(file, where, path + field + ": is required");
            }
            return null;
        }
        if (!v.isTextual() && !v.isNumber()) {
            throw new InputFileException(file, where, path + field + ": must be a string");
        }
        return v.asText();
    }

    private static Instant time(Path file, String where, String path, JsonNode n, String field, Instant absent) {
        String v = string(file, where, path, n, field, false);
        if (v == null) {
            return absent;
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw new InputFileException(file, where, path + field + ": '" + v + "' is not an ISO-8601 time such as "
                        + "2024-07-26T10:29:36.630547-07:00");
            }
        }
    }
}
