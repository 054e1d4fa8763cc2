package dev.loci.eval;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Malformed evaluation files fail with an {@link EvalDataException} naming the file and the problem. */
class BadInputTest {
    @TempDir
    Path dir;

    private static void assertFails(Path file, Executable read, String... fragments) {
        var e = assertThrows(EvalDataException.class, read);
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' not in: " + e.getMessage());
        }
    }

    private static void assertLocomoFails(Path file, String... fragments) {
        assertFails(file, () -> LocomoDataset.read(file, new LocomoDataset.Repairs()), fragments);
    }

    private void assertLongMemEvalFails(Path file, String... fragments) {
        assertFails(file, () -> new LongMemEvalBenchmark(LongMemEvalBenchmark.Options.defaults())
                .run(file, dir.resolve("out"), Fixtures.fakeFactory(), ProgressListener.NONE), fragments);
    }

    private Path write(String name, String json) throws IOException {
        return Files.writeString(dir.resolve(name), json);
    }

    private static String lmeItem(String sessions, String dates) {
        return """
                [{"question_id": "q1", "question_type": "single-session-user", "question": "Where?",
                  "haystack_session_ids": ["s1"], "haystack_dates": %s,
                  "haystack_sessions": %s, "answer_session_ids": ["s1"]}]
                """.formatted(dates, sessions);
    }

    @Test
    void truncatedLocomoJsonNamesTheFileAndWhereItBroke() {
        Path file = Fixtures.path("locomo-malformed.json");
        assertLocomoFails(file, "malformed JSON", "line 9");
    }

    @Test
    void truncatedLongMemEvalJsonNamesTheFile() {
        Path file = Fixtures.path("locomo-malformed.json");
        assertLongMemEvalFails(file, "malformed JSON");
    }

    @Test
    void aQuestionWithoutItsTextNamesTheField() {
        Path file = Fixtures.path("locomo-missing-question.json");
        assertLocomoFails(file, "[0].qa[1].question", "is missing");
    }

    @Test
    void anItemWithoutSessionsNamesTheField() {
        Path file = Fixtures.path("longmemeval-missing-sessions.json");
        assertLongMemEvalFails(file, "[0].haystack_sessions", "is missing or not an array");
    }

    @Test
    void aLocomoFileMustBeAList() throws IOException {
        Path file = write("object.json", "{\"sample_id\": \"conv-x\"}");
        assertLocomoFails(file, "a LoCoMo file is a JSON list of samples");
    }

    @Test
    void aLocomoSampleNeedsAConversation() throws IOException {
        Path file = write("no-conversation.json", "[{\"sample_id\": \"conv-x\", \"qa\": []}]");
        assertLocomoFails(file, "[0].conversation", "is missing or not an object");
    }

    @Test
    void aSessionDateInAnotherFormatIsQuoted() throws IOException {
        Path file = write("bad-date.json", """
                [{"sample_id": "conv-x", "qa": [],
                  "conversation": {"session_1_date_time": "2023-03-03 10:00",
                    "session_1": [{"speaker": "Ada", "dia_id": "D1:1", "text": "Hello."}]}}]
                """);
        assertLocomoFails(file, "[0].conversation.session_1_date_time", "'2023-03-03 10:00' is not a date");
    }

    @Test
    void aQuestionNeedsAnIntegerCategory() throws IOException {
        Path file = write("bad-category.json", """
                [{"sample_id": "conv-x", "conversation": {},
                  "qa": [{"question": "Why?", "evidence": [], "category": "four"}]}]
                """);
        assertLocomoFails(file, "[0].qa[0].category", "is missing or not an integer");
    }

    @Test
    void aMissingFileCannotBeRead() {
        Path file = dir.resolve("absent.json");
        assertLocomoFails(file, "cannot read");
    }

    @Test
    void aLongMemEvalFileMustBeAList() throws IOException {
        Path file = write("object.json", "{}");
        assertLongMemEvalFails(file, "a LongMemEval file is a JSON list of items");
    }

    @Test
    void haystackListsMustHaveOneEntryPerSession() throws IOException {
        Path file = write("lengths.json", lmeItem("[[], []]", "[\"2023/05/20 (Sat) 02:21\"]"));
        assertLongMemEvalFails(file, "[0]", "must have the same length (1, 1, 2)");
    }

    @Test
    void aHaystackDateInAnotherFormatIsQuoted() throws IOException {
        Path file = write("lme-date.json", lmeItem("[[]]", "[\"2023-05-20\"]"));
        assertLongMemEvalFails(file, "[0].haystack_dates[0]", "'2023-05-20' is not a date");
    }

    @Test
    void aTurnNeedsItsContent() throws IOException {
        Path file = write("no-content.json", lmeItem("[[{\"role\": \"user\"}]]", "[\"2023/05/20 (Sat) 02:21\"]"));
        assertLongMemEvalFails(file, "[0].haystack_sessions[0][0].content", "is missing");
    }
}
