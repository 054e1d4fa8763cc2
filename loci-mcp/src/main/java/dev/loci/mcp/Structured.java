package dev.loci.mcp;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loci.json.LociJson;
import java.util.Map;

/**
 * Hands the project's JSON form ({@link LociJson}, Jackson 2) to the MCP SDK (Jackson 3) as plain
 * maps, lists and scalars, which any JSON mapper writes the same: the one bridge between the two.
 */
final class Structured {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private Structured() {
    }

    static Map<String, Object> of(ObjectNode node) {
        return LociJson.mapper().convertValue(node, MAP);
    }
}
