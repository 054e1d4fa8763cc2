package dev.loci.server;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.loci.Kind;
import dev.loci.MemoryFilter;
import dev.loci.Message;
import dev.loci.RecallQuery;
import dev.loci.Scope;
import dev.loci.TimeRange;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Request parsing: the JSON bodies of the API as records, read strictly (no unknown fields, no
 * type coercion, no duplicate keys, bounded size and nesting), and their conversion to the engine's
 * types. Shape errors are 400 problems naming the JSON path; values the engine refuses are 422.
 * Field names are camelCase, like the responses.
 */
final class Requests {
    /** Deepest nesting any request needs is 3; refuse far deeper documents before building them. */
    static final int MAX_NESTING = 16;

    private static final ObjectMapper STRICT = strictMapper();

    private Requests() {
    }

    // ---- bodies ----

    record MessageIn(String clientId, String role, String speaker, String text, String timestamp,
                     Map<String, String> metadata, String expiresAt, Boolean pinned) {
    }

    record RememberIn(String userId, String agentId, String sessionId, List<MessageIn> messages) {
    }

    record SearchIn(String userId, String agentId, String sessionId, String query, Integer k, List<String> kinds,
                    String from, String to, Map<String, String> metadata, String at, String asOf, String heldAt) {
    }

    record ContextIn(String userId, String agentId, String sessionId, String query, Integer budget,
                     List<String> kinds, String from, String to, Map<String, String> metadata, String at,
                     String asOf, String heldAt) {
    }

    record UpdateIn(String userId, String agentId, String sessionId, String text) {
    }

    record PinIn(String userId, String agentId, String sessionId, Boolean pinned) {
    }

    record ConsolidateIn(String userId, String agentId, String sessionId, Long timeoutMs) {
    }

    record ForgetIn(String userId, String agentId, String sessionId, List<String> kinds, String from, String to,
                    Map<String, String> metadata) {
    }

    // ---- reading ----

    /** Reads the body (within {@code limit} bytes) as {@code type}; never returns null. */
    static <T> T body(Context ctx, Class<T> type, long limit) {
        byte[] bytes = readLimited(ctx, limit);
        if (bytes.length == 0) {
            throw new ProblemException(Problem.malformed("body", "is required: a JSON object"));
        }
        T value;
        try {
            value = STRICT.readValue(bytes, type);
        } catch (UnrecognizedPropertyException e) {
            throw new ProblemException(Problem.malformed(path(e), "is not a known field; known: "
                    + e.getKnownPropertyIds()));
        } catch (StreamConstraintsException e) {
            throw new ProblemException(Problem.malformed("body", "is too deeply nested or too big: "
                    + firstLine(e.getOriginalMessage())));
        } catch (JsonParseException e) {
            throw new ProblemException(Problem.malformed("body", "is not well-formed JSON (UTF-8): "
                    + firstLine(e.getOriginalMessage())));
        } catch (JsonMappingException e) {
            String field = path(e).isEmpty() ? "body" : path(e);
            if (e.getCause() instanceof StreamConstraintsException c) {
                throw new ProblemException(Problem.malformed(field, "is too deeply nested or too big: "
                        + firstLine(c.getOriginalMessage())));
            }
            if (e.getCause() instanceof JsonParseException p) {
                throw new ProblemException(Problem.malformed(field, "is not well-formed JSON (UTF-8): "
                        + firstLine(p.getOriginalMessage())));
            }
            throw new ProblemException(Problem.malformed(field, "has the wrong type: "
                    + firstLine(e.getOriginalMessage())));
        } catch (JsonProcessingException e) {
            throw new ProblemException(Problem.malformed("body", firstLine(e.getOriginalMessage())));
        } catch (IOException e) {
            throw new ProblemException(Problem.malformed("body", "could not be read"));
        }
        if (value == null) {
            throw new ProblemException(Problem.malformed("body", "must be a JSON object, was null"));
        }
        return value;
    }

    private static byte[] readLimited(Context ctx, long limit) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw new ProblemException(Problems.tooLarge(limit));
        }
        try (InputStream in = ctx.bodyInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            long total = 0;
            for (int n; (n = in.read(chunk)) != -1; ) {
                total += n;
                if (total > limit) {
                    throw new ProblemException(Problems.tooLarge(limit));
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new ProblemException(Problem.malformed("body", "could not be read: " + e.getMessage()));
        }
    }

    // ---- conversion ----

    static Scope scope(String tenant, String userId, String agentId, String sessionId) {
        return new Scope(tenant, userId, agentId, sessionId);
    }

    static List<Message> messages(List<MessageIn> in) {
        if (in == null) {
            throw new ProblemException(Problem.unprocessable("messages", "is required: a list of messages"));
        }
        List<Message> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            MessageIn m = in.get(i);
            String field = "messages[" + i + "]";
            if (m == null) {
                throw new ProblemException(Problem.unprocessable(field, "must be an object, was null"));
            }
            if (m.text() == null) {
                throw new ProblemException(Problem.unprocessable(field + ".text", "is required"));
            }
            out.add(new Message(m.role(), m.speaker(), m.text(), instant(field + ".timestamp", m.timestamp()),
                    m.clientId(), metadata(field + ".metadata", m.metadata()),
                    instant(field + ".expiresAt", m.expiresAt()), Boolean.TRUE.equals(m.pinned())));
        }
        return out;
    }

    static RecallQuery query(String text, Integer k, List<String> kinds, String from, String to,
                             Map<String, String> metadata, String at, String asOf, String heldAt) {
        if (text == null || text.isBlank()) {
            throw new ProblemException(Problem.unprocessable("query", "is required and must not be blank"));
        }
        Instant knownAt = instant("asOf", asOf);
        Instant held = instant("heldAt", heldAt);
        if (knownAt != null && held != null) {
            throw new ProblemException(Problem.unprocessable("heldAt", "give either asOf (what Loci knew at a moment) "
                    + "or heldAt (what held at a moment of the conversation), not both"));
        }
        return new RecallQuery(text, k == null ? RecallQuery.DEFAULT_K : k, kinds("kinds", kinds),
                range(from, to), metadata("metadata", metadata), instant("at", at), knownAt, held);
    }

    static MemoryFilter filter(List<String> kinds, String from, String to, Map<String, String> metadata) {
        return new MemoryFilter(kinds("kinds", kinds), range(from, to), metadata("metadata", metadata));
    }

    static TimeRange range(String from, String to) {
        Instant f = instant("from", from);
        Instant t = instant("to", to);
        if (f == null && t == null) {
            return null;
        }
        if (f != null && t != null && !f.isBefore(t)) {
            throw new ProblemException(Problem.unprocessable("to", "must be after from (" + from + ")"));
        }
        return new TimeRange(f, t);
    }

    static Set<Kind> kinds(String field, List<String> names) {
        if (names == null || names.isEmpty()) {
            return Set.of();
        }
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            try {
                kinds.add(Kind.valueOf(name));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new ProblemException(Problem.unprocessable(field + "[" + i + "]",
                        "must be one of " + List.of(Kind.values()) + ", was " + name));
            }
        }
        return kinds;
    }

    static Instant instant(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ProblemException(Problem.unprocessable(field,
                    "must be an ISO-8601 instant such as 2024-03-01T18:00:00Z, was " + value));
        }
    }

    static Map<String, String> metadata(String field, Map<String, String> pairs) {
        if (pairs == null) {
            return Map.of();
        }
        for (var e : pairs.entrySet()) {
            if (e.getKey().isBlank()) {
                throw new ProblemException(Problem.unprocessable(field, "keys must not be blank"));
            }
            if (e.getValue() == null) {
                throw new ProblemException(Problem.unprocessable(field + "." + e.getKey(), "must be a string, was null"));
            }
        }
        return pairs;
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            }
        }
        return sb.toString();
    }

    /** The parser's message without its multi-line source excerpt or location. */
    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        int source = line.indexOf(" (start marker at ");
        return source < 0 ? line : line.substring(0, source);
    }

    private static ObjectMapper strictMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING).maxStringLength(16 << 20).build());
        for (LogicalType t : List.of(LogicalType.Textual, LogicalType.Integer, LogicalType.Boolean,
                LogicalType.Float, LogicalType.Collection, LogicalType.Map, LogicalType.POJO)) {
            mapper.coercionConfigFor(t)
                    .setCoercion(CoercionInputShape.String, t == LogicalType.Textual ? CoercionAction.TryConvert
                            : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, t == LogicalType.Textual ? CoercionAction.TryConvert
                            : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, t == LogicalType.Integer ? CoercionAction.TryConvert
                            : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, t == LogicalType.Boolean ? CoercionAction.TryConvert
                            : CoercionAction.Fail);
        }
        return mapper;
    }
}
