package dev.loci.mcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds one tool's JSON Schema for its input (an object; unknown properties refused), keeping
 * the property names so {@link ToolArgs} accepts exactly what the schema advertises.
 */
final class InputSchema {
    static final String USER_ID = "user_id";
    static final String AGENT_ID = "agent_id";
    static final String SESSION_ID = "session_id";

    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final List<String> required = new ArrayList<>();

    static InputSchema object() {
        return new InputSchema();
    }

    InputSchema string(String name, boolean isRequired, String description) {
        return put(name, isRequired, Map.of("type", "string", "minLength", 1, "description", description));
    }

    InputSchema dateTime(String name, String description) {
        return put(name, false, Map.of("type", "string", "description",
                description + " ISO-8601, e.g. 2024-03-02T18:10:00Z, or a date like 2024-03-02 (its start, UTC)."));
    }

    InputSchema integer(String name, int min, int max, int byDefault, String description) {
        return put(name, false, Map.of("type", "integer", "minimum", min, "maximum", max, "default", byDefault,
                "description", description));
    }

    InputSchema bool(String name, boolean isRequired, String description) {
        return put(name, isRequired, Map.of("type", "boolean", "description", description));
    }

    InputSchema stringMap(String name, String description) {
        return put(name, false, Map.of("type", "object", "additionalProperties", Map.of("type", "string"),
                "description", description));
    }

    InputSchema kinds(String name, String description) {
        return put(name, false, Map.of("type", "array", "uniqueItems", true,
                "items", Map.of("type", "string", "enum", ToolArgs.kindNames()), "description", description));
    }

    /** user_id, agent_id and session_id: who a call applies to within the connection's tenant. */
    InputSchema scope(String userDescription) {
        return string(USER_ID, false, userDescription)
                .string(AGENT_ID, false, "Optional: the agent the memories belong to; omit for all agents.")
                .string(SESSION_ID, false,
                        "Optional: a conversation or session id; omit to cover all of the user's sessions.");
    }

    Set<String> names() {
        return properties.keySet();
    }

    Map<String, Object> toMap() {
        var schema = new LinkedHashMap<String, Object>();
        schema.put("type", "object");
        schema.put("properties", java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties)));
        if (!required.isEmpty()) {
            schema.put("required", List.copyOf(required));
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    private InputSchema put(String name, boolean isRequired, Map<String, Object> property) {
        properties.put(name, property);
        if (isRequired) {
            required.add(name);
        }
        return this;
    }
}
