package dev.loci.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/** JSON reading with errors that name the file, the location and the field. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static JsonNode read(Path file) {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new EvalDataException(file, loc == null ? null : "line " + loc.getLineNr() + ", column "
                    + loc.getColumnNr(), "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new EvalDataException(file, null, "cannot read: " + e.getMessage());
        }
    }

    static String text(JsonNode node, String field, Path file, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || !v.isValueNode()) {
            throw new EvalDataException(file, where + "." + field, "is missing or not a string");
        }
        return v.asText();
    }

    static JsonNode array(JsonNode node, String field, Path file, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray()) {
            throw new EvalDataException(file, where + "." + field, "is missing or not an array");
        }
        return v;
    }
}
