package dev.loci.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loci.InvalidInputException;
import dev.loci.Memory;
import dev.loci.json.LociJson;
import dev.loci.spi.Embedding;
import dev.loci.spi.StoredMemory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Base64;
import java.util.TreeMap;

/**
 * The export format, {@code loci-export} version 1 (docs/FORMATS.md): JSON Lines, one header line,
 * one line per stored memory, one closing line.
 *
 * <pre>
 * {"format":"loci-export","version":1,"embedder":"all-MiniLM-L6-v2 384","dimensions":384}
 * {"memory":{...every field...},"vector":"&lt;base64 of big-endian float32&gt;","indexText":"..."}
 * {"format":"loci-export","end":true,"memories":1}
 * </pre>
 *
 * The memory is the API's JSON form ({@link LociJson#memory}, metadata in key order); the vector
 * is carried bit for bit, so an import gives back exactly what was exported without the embedding
 * model; the index text is what BM25 indexed (the memory's words plus its context keys). The
 * closing line tells a complete file from one cut short. Output is deterministic: exporting an
 * import of an export gives the same bytes. Stateless.
 */
final class ExportFile {
    static final String FORMAT = "loci-export";
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The header: which model made the vectors and their size (null and 0 for an empty store). */
    record Header(String embedder, int dimensions) {
    }

    private ExportFile() {
    }

    static String header(Header h) {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("version", VERSION);
        n.put("embedder", h.embedder());
        n.put("dimensions", h.dimensions());
        return LociJson.compact(n);
    }

    static String line(StoredMemory m) {
        ObjectNode memory = LociJson.memory(m.memory());
        ObjectNode meta = memory.putObject("metadata"); // key order, whatever the map's
        new TreeMap<>(m.memory().metadata()).forEach(meta::put);
        ObjectNode n = JSON.createObjectNode();
        n.set("memory", memory);
        n.put("vector", encode(m.embedding()));
        n.put("indexText", m.indexText());
        return LociJson.compact(n);
    }

    static String trailer(long memories) {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("end", true);
        n.put("memories", memories);
        return LociJson.compact(n);
    }

    static String encode(Embedding e) {
        float[] v = e.toArray();
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES);
        for (float f : v) {
            b.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }

    /** Parses one line as JSON; errors name the file and line. */
    static JsonNode parse(Path file, int line, String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new InputFileException(file, Integer.toString(line), "must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InputFileException(file, Integer.toString(line), "not JSON: " + e.getOriginalMessage());
        }
    }

    static Header readHeader(Path file, JsonNode n) {
        if (!FORMAT.equals(n.path("format").asText()) || n.has("end")) {
            throw new InputFileException(file, "1", "format: not a Loci export (the first line must be "
                    + "{\"format\":\"loci-export\",\"version\":1,...}); for a Mem0 export give --format mem0");
        }
        if (n.path("version").asInt(-1) != VERSION) {
            throw new InputFileException(file, "1", "version: " + n.path("version") + " is not supported (this "
                    + "release reads version " + VERSION + ")");
        }
        JsonNode dims = n.get("dimensions");
        if (dims == null || !dims.canConvertToInt() || dims.asInt() < 0) {
            throw new InputFileException(file, "1", "dimensions: must be a whole number >= 0");
        }
        JsonNode embedder = n.get("embedder");
        if (dims.asInt() > 0 && (embedder == null || !embedder.isTextual() || embedder.asText().isBlank())) {
            throw new InputFileException(file, "1", "embedder: must name the model that made the vectors");
        }
        return new Header(embedder == null || embedder.isNull() ? null : embedder.asText(), dims.asInt());
    }

    /** The memory line {@code n}, checked against the header; errors name the file, line and field. */
    static StoredMemory readMemory(Path file, int line, JsonNode n, Header header) {
        String where = Integer.toString(line);
        if (n.has("format")) {
            throw new InputFileException(file, where, "a header or closing line where a memory was expected");
        }
        Memory memory;
        try {
            memory = LociJson.readMemory(n.get("memory"));
        } catch (InvalidInputException e) {
            throw new InputFileException(file, where, e.getMessage());
        }
        JsonNode vector = n.get("vector");
        if (vector == null || !vector.isTextual()) {
            throw new InputFileException(file, where, "vector: must be a base64 string");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(vector.asText());
        } catch (IllegalArgumentException e) {
            throw new InputFileException(file, where, "vector: not base64: " + e.getMessage());
        }
        if (bytes.length % Float.BYTES != 0) {
            throw new InputFileException(file, where, "vector: " + bytes.length + " bytes is not a whole number of "
                    + "4-byte floats");
        }
        if (bytes.length != header.dimensions() * Float.BYTES) {
            throw new InputFileException(file, where, "vector: has " + bytes.length / Float.BYTES
                    + " dimensions; the header says " + header.dimensions());
        }
        float[] v = new float[header.dimensions()];
        ByteBuffer.wrap(bytes).asFloatBuffer().get(v);
        Embedding embedding;
        try {
            embedding = Embedding.of(v);
        } catch (IllegalArgumentException e) {
            throw new InputFileException(file, where, "vector: " + e.getMessage());
        }
        JsonNode indexText = n.get("indexText");
        if (indexText == null || !indexText.isTextual()) {
            throw new InputFileException(file, where, "indexText: must be a string");
        }
        return new StoredMemory(memory, embedding, indexText.asText());
    }

    /** The closing line's count, or -1 when {@code n} is not a closing line. */
    static long trailerCount(JsonNode n) {
        if (FORMAT.equals(n.path("format").asText()) && n.path("end").asBoolean(false)) {
            return n.path("memories").asLong(-1);
        }
        return -1;
    }
}
