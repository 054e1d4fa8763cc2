package dev.loci.cli;

import dev.loci.IngestConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loci.InvalidInputException;
import dev.loci.LociConfig;
import dev.loci.Message;
import dev.loci.Scope;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the two documented conversation formats (see docs/FORMATS.md):
 * <ul>
 *   <li><b>JSONL</b> ({@code .jsonl}): one message object per line:
 *       {@code {"text", "speaker"?, "role"?, "timestamp"?, "id"?, "session"?, "metadata"?, "expires_at"?}}.</li>
 *   <li><b>Conversation JSON</b>: {@code {"sessions": [{"id", "date"?, "messages": [message, ...]}]}}.</li>
 * </ul>
 * Every problem is reported with the file and line (JSONL) or the JSON path of the field.
 * Messages without an {@code id} get one derived from their session, time, speaker and text, so
 * ingesting the same file twice adds nothing.
 */
final class ConversationFiles {
    /** Fails on anything after the first value, instead of silently dropping it. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ConversationFiles() {
    }

    /**
     * Checks that a file is UTF-8 text with something in it, before any format reads it: a byte
     * that is not UTF-8 is reported with its line and byte offset (a decoder's "Input length = 2"
     * says neither), and an empty file is an error in every format (docs/FORMATS.md).
     */
    static void checkText(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InputFileException(file, null, "cannot read: " + e.getMessage());
        }
        if (bytes.length >= 2 && ((bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE)
                || (bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF))) {
            throw new InputFileException(file, "1", "not UTF-8: the file starts with a UTF-16 byte order mark; "
                    + "save it as UTF-8");
        }
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(8192);
        boolean blank = true;
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            out.flip();
            for (int i = 0; i < out.length() && blank; i++) {
                char c = out.charAt(i);
                blank = Character.isWhitespace(c) || c == '\uFEFF';
            }
            out.clear();
            if (r.isError()) {
                int offset = in.position();
                int line = 1;
                int lineStart = 0;
                for (int i = 0; i < offset; i++) {
                    if (bytes[i] == '\n') {
                        line++;
                        lineStart = i + 1;
                    }
                }
                throw new InputFileException(file, Integer.toString(line), String.format(
                        "not UTF-8: byte 0x%02X at byte offset %d (byte %d of the line) is not valid UTF-8; "
                                + "is it a binary file, or text in another encoding? Save it as UTF-8",
                        bytes[offset] & 0xFF, offset, offset - lineStart + 1));
            }
            if (r.isUnderflow()) {
                break;
            }
        }
        if (blank) {
            throw new InputFileException(file, null, "is empty: no messages to ingest");
        }
    }

    static List<ConversationBatch> readJsonl(Path file) {
        Map<String, List<Message>> bySession = new LinkedHashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1); // a UTF-8 byte order mark, not part of the first message
                }
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new InputFileException(file, Integer.toString(lineNo), malformed(e));
                }
                if (node == null || !node.isObject()) {
                    throw new InputFileException(file, Integer.toString(lineNo), "each line must be a JSON object");
                }
                String session = sessionId(optText(node, "session", file, lineNo + ".session"), file,
                        lineNo + ".session");
                Message m = message(node, null, file, Integer.toString(lineNo), session);
                bySession.computeIfAbsent(session == null ? "" : session, s -> new ArrayList<>()).add(m);
            }
        } catch (IOException e) {
            throw new InputFileException(file, null, "cannot read: " + e.getMessage());
        }
        var batches = new ArrayList<ConversationBatch>();
        bySession.forEach((s, msgs) -> batches.add(new ConversationBatch(s.isEmpty() ? null : s, msgs)));
        return batches;
    }

    static List<ConversationBatch> readConversation(Path file, JsonNode root) {
        JsonNode sessions = root.get("sessions");
        if (sessions == null || !sessions.isArray()) {
            throw new InputFileException(file, "sessions", "must be an array of sessions");
        }
        var batches = new ArrayList<ConversationBatch>();
        for (int s = 0; s < sessions.size(); s++) {
            JsonNode session = sessions.get(s);
            String path = "sessions[" + s + "]";
            if (!session.isObject()) {
                throw new InputFileException(file, path, "must be an object");
            }
            String id = sessionId(optText(session, "id", file, path + ".id"), file, path + ".id");
            if (id == null) {
                id = "session-" + (s + 1);
            }
            Instant date = time(optText(session, "date", file, path + ".date"), file, path + ".date");
            JsonNode messages = session.get("messages");
            if (messages == null || !messages.isArray()) {
                throw new InputFileException(file, path + ".messages", "must be an array of messages");
            }
            var list = new ArrayList<Message>();
            for (int i = 0; i < messages.size(); i++) {
                JsonNode node = messages.get(i);
                String where = path + ".messages[" + i + "]";
                if (!node.isObject()) {
                    throw new InputFileException(file, where, "must be an object");
                }
                // Messages without their own time keep their order: the session date plus i seconds.
                Instant fallback = date == null ? null : date.plusSeconds(i);
                list.add(message(node, fallback, file, where, id));
            }
            batches.add(new ConversationBatch(id, list));
        }
        return batches;
    }

    static JsonNode readTree(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new InputFileException(file, loc == null ? null : loc.getLineNr() + ":" + loc.getColumnNr(),
                    malformed(e));
        } catch (IOException e) {
            throw new InputFileException(file, null, "cannot read: " + e.getMessage());
        }
    }

    private static String malformed(JsonProcessingException e) {
        String problem = e.getOriginalMessage();
        return "malformed JSON: " + (problem.startsWith("Trailing token")
                ? "more JSON after the end of the first value" : problem);
    }

    private static Message message(JsonNode node, Instant fallbackTime, Path file, String where, String session) {
        JsonNode textNode = node.get("text");
        if (textNode == null || textNode.isNull()) {
            throw new InputFileException(file, where, "field 'text' is missing");
        }
        if (!textNode.isTextual()) {
            throw new InputFileException(file, where, "field 'text' must be a string");
        }
        String text = textNode.asText();
        if (text.isBlank()) {
            throw new InputFileException(file, where, "field 'text' is empty");
        }
        String speaker = optText(node, "speaker", file, where + ".speaker");
        String role = optText(node, "role", file, where + ".role");
        String ts = optText(node, "timestamp", file, where + ".timestamp");
        Instant timestamp = ts == null ? fallbackTime : time(ts, file, where + ".timestamp");
        String id = optText(node, "id", file, where + ".id");
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = node.get("metadata");
        if (meta != null && !meta.isNull()) {
            if (!meta.isObject()) {
                throw new InputFileException(file, where + ".metadata", "must be an object of strings");
            }
            meta.properties().forEach(e -> {
                if (!e.getValue().isValueNode()) {
                    throw new InputFileException(file, where + ".metadata." + e.getKey(), "must be a string");
                }
                metadata.put(e.getKey(), e.getValue().asText());
            });
        }
        if (id == null && timestamp != null) {
            id = "auto:" + digest(session + "\u0000" + timestamp + "\u0000" + speaker + "\u0000" + role + "\u0000" + text);
        }
        String expires = optText(node, "expires_at", file, where + ".expires_at");
        Instant expiresAt = expires == null ? null : time(expires, file, where + ".expires_at");
        Message m = new Message(role, speaker, text, timestamp, id, metadata, expiresAt, false);
        check(m, file, where, "id");
        return m;
    }

    /**
     * The engine's own checks on a message, made while reading: a message it would refuse is
     * reported with its line or JSON path, and before anything of the file is written (the engine
     * checks one remember call at a time, after earlier sessions are already stored).
     */
    static void check(Message m, Path file, String where, String idField) {
        int max = IngestConfig.defaults().maxTextChars();
        if (m.text().length() > max) {
            throw new InputFileException(file, where, "field 'text' is " + m.text().length()
                    + " characters; at most " + max + " allowed");
        }
        int bad = unpairedSurrogate(m.text());
        if (bad >= 0) {
            throw new InputFileException(file, where, "field 'text' has an unpaired UTF-16 surrogate at index "
                    + bad + " (a character cut in half?)");
        }
        if (m.clientId() != null && (m.clientId().isBlank() || m.clientId().length() > Scope.MAX_ID_LENGTH)) {
            throw new InputFileException(file, where + "." + idField, "must be 1.." + Scope.MAX_ID_LENGTH
                    + " non-blank characters");
        }
        for (String key : m.metadata().keySet()) {
            if (key.isBlank()) {
                throw new InputFileException(file, where + ".metadata", "keys must not be blank");
            }
        }
    }

    /** A session id from a file, checked as the scope will check it. */
    static String sessionId(String id, Path file, String where) {
        if (id != null) {
            try {
                Scope.tenant("t").withSession(id);
            } catch (InvalidInputException e) {
                throw new InputFileException(file, where, "not a valid session id: "
                        + e.getMessage().substring(e.field().length() + 2));
            }
        }
        return id;
    }

    private static int unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    private static String optText(JsonNode node, String field, Path file, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() && !v.isNumber()) {
            throw new InputFileException(file, where, "must be a string");
        }
        return v.asText();
    }

    /** ISO-8601 instant, offset date-time, local date-time (UTC) or date (midnight UTC). */
    static Instant time(String value, Path file, String where) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new InputFileException(file, where, "'" + value
                    + "' is not an ISO-8601 time (e.g. 2024-05-01T10:00:00Z or 2024-05-01)");
        }
    }

    private static String digest(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
