package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rejected input: exit code 2, a message naming the file and the line or JSON path at fault, and
 * a data directory exactly as it was. One data directory holds a good file's memories for the
 * whole class; every bad ingest must leave its files byte for byte unchanged, and the last test
 * checks through the engine that only the good file's messages are stored.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliBadInputTest {
    private static final String GOOD = """
            {"text": "The spare key is under the blue flowerpot", "speaker": "Maya", "timestamp": "2024-03-02T18:10:00Z", "id": "good-1"}
            {"text": "The wifi password is on the fridge", "speaker": "Maya", "timestamp": "2024-03-02T18:11:00Z", "id": "good-2"}
            """;
    private static final String OK_LINE =
            "{\"text\": \"a perfectly good line\", \"timestamp\": \"2024-03-02T18:10:00Z\", \"session\": \"s1\"}\n";

    @TempDir
    static Path shared;
    static Path data;
    static Map<String, String> before;

    @TempDir
    Path dir;

    @BeforeAll
    static void aGoodFileIsAlreadyIngested() throws IOException {
        data = shared.resolve("data");
        Path good = Files.writeString(shared.resolve("good.jsonl"), GOOD);
        CliRun run = CliRun.of("ingest", "--data-dir", data.toString(), "--tenant", "acme", "--no-progress",
                good.toString());
        assertEquals(0, run.exit(), run.transcript());
        before = CliRun.snapshot(data);
        assertFalse(before.isEmpty(), "the good ingest wrote something");
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    /** Ingests {@code args} into the shared data dir and checks it was rejected without a trace. */
    private static CliRun rejected(String... args) {
        var all = new ArrayList<>(List.of("ingest", "--data-dir", data.toString(), "--no-progress"));
        all.addAll(List.of(args));
        CliRun run = CliRun.of(all.toArray(String[]::new));
        Map<String, String> expected = before;
        Map<String, String> after = CliRun.snapshot(data);
        before = after; // so that one ingest that wrongly wrote something does not fail every later test too
        assertEquals(Main.EXIT_BAD_INPUT, run.exit(), run.transcript());
        assertEquals("", run.out(), "nothing reported as ingested");
        assertEquals(expected, after, "data dir changed by a rejected ingest: " + run.err());
        return run;
    }

    private static void assertMentions(CliRun run, String... parts) {
        for (String part : parts) {
            assertTrue(run.err().contains(part), "'" + part + "' not in: " + run.err());
        }
        assertEquals(1, run.err().lines().count(), "a one-line message: " + run.err());
    }

    // --- JSONL: errors name the line ----------------------------------------------------------

    @Test
    void malformedJsonNamesItsLine() throws IOException {
        Path bad = file("bad.jsonl", OK_LINE + OK_LINE + "{\"text\": \"unterminated\n" + OK_LINE);
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":3: malformed JSON");
    }

    @Test
    void twoObjectsOnOneLineAreRejectedNotHalfRead() throws IOException {
        // A lost newline when concatenating files: the second message must not vanish silently.
        Path bad = file("bad.jsonl", OK_LINE + OK_LINE.strip() + " {\"text\": \"the second message\"}\n");
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":2: malformed JSON: more JSON after the end of the first value");
    }

    @Test
    void conversationJsonFollowedByMoreJsonIsRejected() throws IOException {
        Path bad = file("bad.json", conversation("{\"text\": \"fine\"}") + "{\"sessions\": []}\n");
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":5:1: malformed JSON: more JSON after");
    }

    @Test
    void aLineThatIsNotAnObjectIsRejected() throws IOException {
        Path bad = file("bad.jsonl", OK_LINE + "[\"just\", \"an\", \"array\"]\n");
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":2: each line must be a JSON object");
    }

    @Test
    void emptyTextNamesItsLine() throws IOException {
        Path bad = file("bad.jsonl", OK_LINE + "{\"text\": \"   \"}\n");
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":2: field 'text' is empty");
    }

    @Test
    void missingTextNamesItsLine() throws IOException {
        Path bad = file("bad.jsonl", OK_LINE + OK_LINE + OK_LINE + "{\"speaker\": \"Maya\"}\n");
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":4: field 'text' is missing");
    }

    @Test
    void oversizedTextNamesItsLineAndTheLimit() throws IOException {
        String huge = "x".repeat(32_001);
        Path bad = file("bad.jsonl", OK_LINE + OK_LINE + "{\"text\": \"" + huge + "\"}\n");
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":3", "32001", "at most 32000");
    }

    @Test
    void textAtTheLimitIsNotOversized() throws IOException {
        Path fine = file("fine.jsonl", "{\"text\": \"" + "x".repeat(32_000) + "\"}\n");
        var batches = IngestCommand.InputFormat.read(IngestCommand.InputFormat.auto, fine,
                dev.loci.Scope.tenant("acme"), true);
        assertEquals(32_000, batches.get(0).messages().get(0).text().length());
    }

    @Test
    void badTimestampNamesItsLineAndField() throws IOException {
        Path bad = file("bad.jsonl", OK_LINE + "{\"text\": \"hello\", \"timestamp\": \"yesterday\"}\n");
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":2", "timestamp",
                "'yesterday' is not an ISO-8601 time");
    }

    @Test
    void blankIdNamesItsLine() throws IOException {
        Path bad = file("bad.jsonl", OK_LINE + "{\"text\": \"hello\", \"id\": \"  \", \"session\": \"s2\"}\n");
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":2", "id");
    }

    @Test
    void overlongIdNamesItsLine() throws IOException {
        Path bad = file("bad.jsonl", OK_LINE + "{\"text\": \"hello\", \"id\": \"" + "i".repeat(257) + "\", \"session\": \"s2\"}\n");
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":2", "id", "256");
    }

    @Test
    void blankSessionNamesItsLine() throws IOException {
        Path bad = file("bad.jsonl", OK_LINE + "{\"text\": \"hello\", \"session\": \" \"}\n");
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":2", "session");
    }

    @Test
    void halfACharacterNamesItsLine() throws IOException {
        // A JSON escape for a lone high surrogate: a character cut in half by some upstream tool.
        Path bad = file("bad.jsonl", OK_LINE + "{\"text\": \"cut in half \\ud83d\", \"session\": \"s2\"}\n");
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":2", "surrogate");
    }

    @Test
    void blankMetadataKeyNamesItsLine() throws IOException {
        Path bad = file("bad.jsonl", OK_LINE + "{\"text\": \"hello\", \"metadata\": {\" \": \"x\"}, \"session\": \"s2\"}\n");
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":2", "metadata");
    }

    @Test
    void nestedMetadataValueNamesItsKey() throws IOException {
        Path bad = file("bad.jsonl", OK_LINE + "{\"text\": \"hello\", \"metadata\": {\"tags\": [\"a\", \"b\"]}}\n");
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":2.metadata.tags: must be a string");
    }

    // --- conversation JSON: errors name the JSON path -------------------------------------------

    private static String conversation(String secondMessage) {
        return """
                {"sessions": [
                  {"id": "s1", "date": "2024-03-02", "messages": [{"text": "all fine here"}]},
                  {"id": "s2", "date": "2024-03-09", "messages": [{"text": "fine too"}, %s]}
                ]}
                """.formatted(secondMessage);
    }

    @Test
    void conversationEmptyTextNamesItsPath() throws IOException {
        Path bad = file("bad.json", conversation("{\"text\": \"\"}"));
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":sessions[1].messages[1]: field 'text' is empty");
    }

    @Test
    void conversationOversizedTextNamesItsPath() throws IOException {
        Path bad = file("bad.json", conversation("{\"text\": \"" + "y".repeat(40_000) + "\"}"));
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":sessions[1].messages[1]", "40000");
    }

    @Test
    void conversationBadTimestampNamesItsPath() throws IOException {
        Path bad = file("bad.json", conversation("{\"text\": \"hi\", \"timestamp\": \"2024-13-45\"}"));
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":sessions[1].messages[1].timestamp",
                "'2024-13-45'");
    }

    @Test
    void conversationBadSessionDateNamesItsPath() throws IOException {
        Path bad = file("bad.json", """
                {"sessions": [{"id": "s1", "date": "March 2nd", "messages": [{"text": "hi"}]}]}
                """);
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":sessions[0].date", "'March 2nd'");
    }

    @Test
    void conversationBlankIdInALaterSessionWritesNothing() throws IOException {
        Path bad = file("bad.json", conversation("{\"text\": \"hi\", \"id\": \" \"}"));
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":sessions[1].messages[1]", "id");
    }

    @Test
    void malformedConversationJsonNamesLineAndColumn() throws IOException {
        Path bad = file("bad.json", "{\"sessions\": [\n  {\"id\": \"s1\",,}\n]}\n");
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":2:", "malformed JSON");
    }

    // --- LoCoMo ---------------------------------------------------------------------------------

    private static String locomo(String session2Turn) {
        return """
                [{"sample_id": "conv-z", "conversation": {
                    "speaker_a": "Ana", "speaker_b": "Ben",
                    "session_1_date_time": "9:15 am on 3 April, 2023",
                    "session_1": [{"speaker": "Ana", "dia_id": "D1:1", "text": "Hello there"}],
                    "session_2_date_time": "9:15 am on 4 April, 2023",
                    "session_2": [%s]},
                  "qa": []}]
                """.formatted(session2Turn);
    }

    @Test
    void locomoEmptyTextInALaterSessionWritesNothing() throws IOException {
        Path bad = file("bad.json", locomo("{\"speaker\": \"Ben\", \"dia_id\": \"D2:1\", \"text\": \" \"}"));
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad.toString(), "session_2", "empty");
    }

    @Test
    void locomoBadSessionDateIsBadInput() throws IOException {
        Path bad = file("bad.json", locomo("{\"speaker\": \"Ben\", \"dia_id\": \"D2:1\", \"text\": \"hi\"}")
                .replace("9:15 am on 4 April, 2023", "the next day"));
        assertMentions(rejected("--tenant", "acme", "--format", "locomo", bad.toString()), bad.toString(),
                "session_2_date_time", "'the next day'");
    }

    @Test
    void locomoTurnWithoutDiaIdIsBadInput() throws IOException {
        Path bad = file("bad.json", locomo("{\"speaker\": \"Ben\", \"text\": \"hi\"}"));
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad.toString(), "session_2[0].dia_id");
    }

    @Test
    void locomoBlankSampleIdIsNamed() throws IOException {
        Path bad = file("bad.json", locomo("{\"speaker\": \"Ben\", \"dia_id\": \"D2:1\", \"text\": \"hi\"}")
                .replace("\"conv-z\"", "\" \""));
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":[0].sample_id", "blank");
    }

    // --- the command line -----------------------------------------------------------------------

    @Test
    void missingTenantIsAUsageError() throws IOException {
        Path good = file("ok.jsonl", OK_LINE);
        CliRun run = rejected(good.toString());
        assertTrue(run.err().contains("Missing required option: '--tenant=T'"), run.err());
    }

    @Test
    void blankTenantNamesTheOption() throws IOException {
        Path good = file("ok.jsonl", OK_LINE);
        assertMentions(rejected("--tenant", "  ", good.toString()), "loci ingest: error: --tenant: must not be blank");
    }

    @Test
    void unknownFormatListsTheKnownOnes() throws IOException {
        Path good = file("ok.jsonl", OK_LINE);
        CliRun run = rejected("--tenant", "acme", "--format", "csv", good.toString());
        assertTrue(run.err().contains("--format"), run.err());
        assertTrue(run.err().contains("auto, jsonl, conversation, locomo"), run.err());
    }

    @Test
    void aJsonFileInNoKnownFormatSaysWhatWasExpected() throws IOException {
        Path odd = file("odd.json", "[\"a\", \"list\", \"of\", \"strings\"]");
        assertMentions(rejected("--tenant", "acme", odd.toString()), odd + ":sessions: must be an array of sessions");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope.jsonl");
        assertMentions(rejected("--tenant", "acme", missing.toString()), missing + ": no such file");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"empty.jsonl", "empty.json", "blank.jsonl", "blank.json"})
    void anEmptyFileIsAnErrorInEveryFormat(String name) throws IOException {
        Path empty = file(name, name.startsWith("blank") ? "\n  \n\t\n" : "");
        assertMentions(rejected("--tenant", "acme", empty.toString()), empty + ": is empty: no messages to ingest");
    }

    @Test
    void aFileOfNoMessagesIsAnErrorToo() throws IOException {
        Path none = file("none.json", "{\"sessions\": []}");
        assertMentions(rejected("--tenant", "acme", none.toString()), none + ": holds no messages to ingest");
    }

    @Test
    void aFileThatIsNotUtf8NamesTheLineAndTheByte() throws IOException {
        byte[] latin1 = (OK_LINE + "{\"text\": \"caf\u00e9\"}\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Path bad = Files.write(dir.resolve("latin1.jsonl"), latin1);
        int offset = OK_LINE.length() + "{\"text\": \"caf".length();
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":2: not UTF-8: byte 0xE9 at byte offset "
                + offset + " (byte " + (offset - OK_LINE.length() + 1) + " of the line)", "Save it as UTF-8");
    }

    @Test
    void aBinaryJsonFileIsNotUtf8Either() throws IOException {
        Path bad = Files.write(dir.resolve("image.json"), new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A});
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":1: not UTF-8: byte 0x89 at byte offset 0",
                "binary file");
    }

    @Test
    void aUtf16FileIsNamedAsSuch() throws IOException {
        Path bad = Files.write(dir.resolve("utf16.jsonl"), OK_LINE.getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
        byte[] withBom = new byte[Files.size(bad) > 0 ? (int) Files.size(bad) + 2 : 2];
        withBom[0] = (byte) 0xFF;
        withBom[1] = (byte) 0xFE;
        System.arraycopy(Files.readAllBytes(bad), 0, withBom, 2, withBom.length - 2);
        Files.write(bad, withBom);
        assertMentions(rejected("--tenant", "acme", bad.toString()), bad + ":1: not UTF-8", "UTF-16");
    }

    @Test
    void aDirectoryGivenAsAFileIsNamedAsSuch() {
        assertMentions(rejected("--tenant", "acme", dir.toString()), dir + ": is a directory");
    }

    @Test
    void aBadSecondFileKeepsTheGoodFirstFileOutToo() throws IOException {
        Path good = file("another-good.jsonl", OK_LINE);
        Path bad = file("bad.jsonl", "{\"text\": \"\"}\n");
        assertMentions(rejected("--tenant", "acme", good.toString(), bad.toString()), bad + ":1: field 'text' is empty");
    }

    @Test
    void rejectedInputNeverCreatesADataDirectory() throws IOException {
        Path fresh = dir.resolve("fresh");
        Path bad = file("bad.jsonl", "{\"text\": \"\"}\n");
        CliRun run = CliRun.of("ingest", "--data-dir", fresh.toString(), "--tenant", "acme", bad.toString());
        assertEquals(Main.EXIT_BAD_INPUT, run.exit(), run.transcript());
        assertFalse(Files.exists(fresh), "no data dir for a rejected first ingest");
    }

    // --- and after all of that ------------------------------------------------------------------

    @Test
    @Order(Integer.MAX_VALUE)
    void onlyTheGoodFilesMemoriesAreStored() throws IOException {
        CliRun recall = CliRun.of("recall", "--data-dir", data.toString(), "--tenant", "acme", "--kind", "TURN",
                "--k", "100", "--json", "where is the key");
        assertEquals(0, recall.exit(), recall.transcript());
        JsonNode results = new ObjectMapper().readTree(recall.out());
        var texts = new TreeSet<String>();
        results.forEach(r -> texts.add(r.get("text").asText()));
        assertEquals(new TreeSet<>(List.of("The spare key is under the blue flowerpot", "The wifi password is on the fridge")),
                texts);
    }
}
