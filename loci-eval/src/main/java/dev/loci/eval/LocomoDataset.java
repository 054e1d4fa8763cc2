package dev.loci.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a LoCoMo file (a JSON list of samples with {@code conversation} and {@code qa}).
 *
 * <p>Sessions are taken in numeric order ({@code session_1, session_2, ...}), each with its
 * {@code session_N_date_time} ("1:56 pm on 8 May, 2023", read as UTC). Evidence ids are
 * normalised: every {@code D<session>:<turn>} in an evidence string counts ("D8:6; D9:17" gives
 * two), a stray colon ("D:11:26") and leading zeros ("D30:05") are repaired, ids that do not
 * exist in the conversation are dropped, and duplicates are removed. Every repair, drop and skip
 * is counted. Stateless.
 */
public final class LocomoDataset {
    /** LoCoMo's category ids and their names. */
    public static final Map<Integer, String> CATEGORIES = Map.of(
            1, "multi-hop", 2, "temporal", 3, "open-domain", 4, "single-hop", 5, "adversarial");

    private static final Pattern SESSION_KEY = Pattern.compile("^session_(\\d+)$");
    private static final Pattern EVIDENCE = Pattern.compile("D:?(\\d{1,9}):(\\d{1,9})(?!\\d)"); // longer numbers are no dialogue id
    private static final DateTimeFormatter SESSION_DATE = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("h:mm a 'on' d MMMM, yyyy").toFormatter(Locale.ENGLISH);

    /** One dialogue turn. {@code caption} is the image's BLIP caption, or null. */
    public record Turn(String diaId, String speaker, String text, String caption) {
    }

    /** One session, in order. */
    public record Session(int number, Instant date, List<Turn> turns) {
    }

    /** One question with its normalised evidence (possibly empty). */
    public record Question(String question, int category, List<String> evidence) {
    }

    /** One conversation (a LoCoMo sample). */
    public record Conversation(String sampleId, List<Session> sessions, List<Question> questions) {
        public Set<String> diaIds() {
            Set<String> ids = new LinkedHashSet<>();
            sessions.forEach(s -> s.turns().forEach(t -> ids.add(t.diaId())));
            return ids;
        }

        public int turnCount() {
            return sessions.stream().mapToInt(s -> s.turns().size()).sum();
        }
    }

    /** Counts of everything the reader repaired, dropped or skipped. Mutable; one per read. */
    public static final class Repairs {
        long evidenceIdsRepaired;
        long evidenceIdsSplit;
        long evidenceIdsDropped;
        long evidenceDuplicatesRemoved;

        public Map<String, Long> asMap() {
            return Map.of("evidence_ids_repaired", evidenceIdsRepaired, "evidence_strings_split", evidenceIdsSplit,
                    "evidence_ids_dropped", evidenceIdsDropped,
                    "evidence_duplicates_removed", evidenceDuplicatesRemoved);
        }
    }

    private LocomoDataset() {
    }

    public static List<Conversation> read(Path file, Repairs repairs) {
        JsonNode root = Json.read(file);
        if (!root.isArray()) {
            throw new EvalDataException(file, null, "a LoCoMo file is a JSON list of samples");
        }
        var conversations = new ArrayList<Conversation>();
        for (int i = 0; i < root.size(); i++) {
            conversations.add(conversation(file, root.get(i), "[" + i + "]", repairs));
        }
        return conversations;
    }

    private static Conversation conversation(Path file, JsonNode sample, String where, Repairs repairs) {
        String sampleId = Json.text(sample, "sample_id", file, where);
        JsonNode conv = sample.get("conversation");
        if (conv == null || !conv.isObject()) {
            throw new EvalDataException(file, where + ".conversation", "is missing or not an object");
        }
        var byNumber = new TreeMap<Integer, JsonNode>();
        conv.properties().forEach(e -> {
            Matcher m = SESSION_KEY.matcher(e.getKey());
            if (m.matches() && e.getValue().isArray()) {
                if (m.group(1).length() > 9) {
                    throw new EvalDataException(file, where + ".conversation." + e.getKey(), "session number is too large");
                }
                byNumber.put(Integer.parseInt(m.group(1)), e.getValue());
            }
        });
        var sessions = new ArrayList<Session>();
        for (var e : byNumber.entrySet()) {
            String sWhere = where + ".conversation.session_" + e.getKey();
            Instant date = date(Json.text(conv, "session_" + e.getKey() + "_date_time", file, where + ".conversation"),
                    file, sWhere + "_date_time");
            var turns = new ArrayList<Turn>();
            JsonNode list = e.getValue();
            for (int t = 0; t < list.size(); t++) {
                JsonNode turn = list.get(t);
                String tWhere = sWhere + "[" + t + "]";
                JsonNode caption = turn.get("blip_caption");
                turns.add(new Turn(Json.text(turn, "dia_id", file, tWhere), Json.text(turn, "speaker", file, tWhere),
                        Json.text(turn, "text", file, tWhere),
                        caption == null || caption.isNull() ? null : caption.asText()));
            }
            sessions.add(new Session(e.getKey(), date, turns));
        }
        var partial = new Conversation(sampleId, sessions, List.of());
        Set<String> valid = partial.diaIds();
        var questions = new ArrayList<Question>();
        JsonNode qa = Json.array(sample, "qa", file, where);
        for (int q = 0; q < qa.size(); q++) {
            JsonNode item = qa.get(q);
            String qWhere = where + ".qa[" + q + "]";
            JsonNode category = item.get("category");
            if (category == null || !category.canConvertToInt()) {
                throw new EvalDataException(file, qWhere + ".category", "is missing or not an integer");
            }
            List<String> evidence = evidence(item.get("evidence"), valid, repairs);
            questions.add(new Question(Json.text(item, "question", file, qWhere), category.asInt(), evidence));
        }
        return new Conversation(sampleId, sessions, questions);
    }

    /** Normalised, existing, distinct evidence ids in their original order. */
    static List<String> evidence(JsonNode raw, Set<String> valid, Repairs repairs) {
        var found = new LinkedHashSet<String>();
        if (raw == null || !raw.isArray()) {
            return List.of();
        }
        for (JsonNode node : raw) {
            String s = node.asText();
            Matcher m = EVIDENCE.matcher(s);
            int matches = 0;
            while (m.find()) {
                matches++;
                String id = "D" + Integer.parseInt(m.group(1)) + ":" + Integer.parseInt(m.group(2));
                if (!m.group().equals(id)) {
                    repairs.evidenceIdsRepaired++;
                }
                if (!valid.contains(id)) {
                    repairs.evidenceIdsDropped++;
                } else if (!found.add(id)) {
                    repairs.evidenceDuplicatesRemoved++;
                }
            }
            if (matches == 0) {
                repairs.evidenceIdsDropped++;
            } else if (matches > 1) {
                repairs.evidenceIdsSplit++;
            }
        }
        return List.copyOf(found);
    }

    static Instant date(String value, Path file, String where) {
        try {
            return LocalDateTime.parse(value.trim(), SESSION_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new EvalDataException(file, where, "'" + value + "' is not a date like '1:56 pm on 8 May, 2023'");
        }
    }
}
