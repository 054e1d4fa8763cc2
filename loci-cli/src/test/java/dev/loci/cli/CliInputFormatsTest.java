package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Message;
import dev.loci.Scope;
import dev.loci.cli.IngestCommand.InputFormat;
import dev.loci.cli.IngestCommand.ScopedBatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three input formats of docs/FORMATS.md read into the messages, scopes and ids they describe. */
class CliInputFormatsTest {
    private static final Scope MAYA = Scope.user("acme", "maya");

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private Path locomoFixture() throws IOException {
        Path file = dir.resolve("locomo-mini.json");
        try (InputStream in = getClass().getResourceAsStream("/locomo-mini.json")) {
            Files.copy(in, file);
        }
        return file;
    }

    private static List<String> texts(ScopedBatch b) {
        return b.messages().stream().map(Message::text).toList();
    }

    // --- JSONL ---------------------------------------------------------------------------------

    private static final String JSONL = """
            {"text": "I adopted a greyhound today", "speaker": "Maya", "role": "user", "timestamp": "2024-03-02T18:10:00Z", "id": "msg-1", "session": "s1", "metadata": {"channel": "chat"}}

            {"text": "Her name is Biscuit", "speaker": "Maya", "timestamp": "2024-03-02T19:12:00+01:00", "session": "s1"}
            {"text": "Lunch with Inês was lovely", "timestamp": "2024-03-03", "session": "s2"}
            {"text": "A note with neither time nor id"}
            {"text": "Local time is read as UTC", "timestamp": "2024-03-04T08:30:00", "session": "s1"}
            """;

    @Test
    void jsonlMessagesKeepEveryDocumentedField() throws IOException {
        List<ConversationBatch> batches = ConversationFiles.readJsonl(write("chat.jsonl", JSONL));

        assertEquals(List.of("s1", "s2"), batches.stream().map(ConversationBatch::sessionId).limit(2).toList());
        assertNull(batches.get(2).sessionId(), "messages without a session form their own batch");
        assertEquals(3, batches.size());

        Message first = batches.get(0).messages().get(0);
        assertEquals("I adopted a greyhound today", first.text());
        assertEquals("Maya", first.speaker());
        assertEquals("user", first.role());
        assertEquals(Instant.parse("2024-03-02T18:10:00Z"), first.timestamp());
        assertEquals("msg-1", first.clientId());
        assertEquals(Map.of("channel", "chat"), first.metadata());
    }

    @Test
    void jsonlTimestampsAcceptOffsetsLocalTimesAndDates() throws IOException {
        List<ConversationBatch> batches = ConversationFiles.readJsonl(write("chat.jsonl", JSONL));
        List<Message> s1 = batches.get(0).messages();

        assertEquals(Instant.parse("2024-03-02T18:12:00Z"), s1.get(1).timestamp(), "offset time");
        assertEquals(Instant.parse("2024-03-04T08:30:00Z"), s1.get(2).timestamp(), "local time read as UTC");
        assertEquals(Instant.parse("2024-03-03T00:00:00Z"), batches.get(1).messages().get(0).timestamp(),
                "date read as midnight UTC");
        assertNull(batches.get(2).messages().get(0).timestamp());
    }

    @Test
    void jsonlMessagesMayExpire() throws IOException {
        Path file = write("expiring.jsonl", """
                {"text": "The door code is 4471", "timestamp": "2024-03-02T18:10:00Z", "expires_at": "2024-03-09"}
                {"text": "No expiry here", "timestamp": "2024-03-02T18:11:00Z"}
                """);
        List<Message> messages = ConversationFiles.readJsonl(file).get(0).messages();
        assertEquals(Instant.parse("2024-03-09T00:00:00Z"), messages.get(0).expiresAt());
        assertNull(messages.get(1).expiresAt());
    }

    @Test
    void jsonlSessionsKeepFileOrderWithinEachSession() throws IOException {
        List<ConversationBatch> batches = ConversationFiles.readJsonl(write("chat.jsonl", JSONL));

        assertEquals(List.of("I adopted a greyhound today", "Her name is Biscuit", "Local time is read as UTC"),
                batches.get(0).messages().stream().map(Message::text).toList());
    }

    @Test
    void jsonlMessagesWithATimeButNoIdGetADerivedIdAndOthersNone() throws IOException {
        List<ConversationBatch> batches = ConversationFiles.readJsonl(write("chat.jsonl", JSONL));

        String derived = batches.get(0).messages().get(1).clientId();
        assertNotNull(derived);
        assertTrue(derived.matches("auto:[0-9a-f]{24}"), derived);
        assertNull(batches.get(2).messages().get(0).clientId(), "neither id nor time: always new, so no id");
    }

    @Test
    void jsonlBatchesAreBoundToTheirSessionUnlessTheCommandLineNamesOne() throws IOException {
        Path file = write("chat.jsonl", JSONL);

        List<ScopedBatch> own = InputFormat.read(InputFormat.auto, file, MAYA, true);
        assertEquals(List.of(MAYA.withSession("s1"), MAYA.withSession("s2"), MAYA),
                own.stream().map(ScopedBatch::scope).toList());

        List<ScopedBatch> forced = InputFormat.read(InputFormat.jsonl, file, MAYA.withSession("cli"), true);
        assertTrue(forced.stream().allMatch(b -> b.scope().equals(MAYA.withSession("cli"))),
                forced.stream().map(ScopedBatch::scope).toList().toString());
    }

    @Test
    void aByteOrderMarkBeforeTheFirstLineIsIgnored() throws IOException {
        // Some Windows editors start UTF-8 files with U+FEFF; it is not part of the first message.
        List<ConversationBatch> batches = ConversationFiles.readJsonl(write("bom.jsonl", "\uFEFF" + JSONL));

        assertEquals("I adopted a greyhound today", batches.get(0).messages().get(0).text());
        assertEquals(5, batches.stream().mapToInt(b -> b.messages().size()).sum());
    }

    // --- conversation JSON ---------------------------------------------------------------------

    @Test
    void conversationWithAByteOrderMarkReads() throws IOException {
        Path file = write("bom.json", "\uFEFF" + CONVERSATION);
        assertEquals(2, InputFormat.read(InputFormat.auto, file, MAYA, true).size());
    }

    private static final String CONVERSATION = """
            {"sessions": [
              {"id": "s1", "date": "2024-03-02T18:10:00Z", "messages": [
                {"speaker": "Maya", "role": "user", "text": "We adopted a dog."},
                {"speaker": "Assistant", "role": "assistant", "text": "What is her name?"},
                {"speaker": "Maya", "role": "user", "text": "Biscuit.", "timestamp": "2024-03-02T20:00:00Z", "id": "mine"}
              ]},
              {"date": "2024-03-09", "messages": [
                {"speaker": "Maya", "text": "We adopted a dog."}
              ]}
            ]}
            """;

    @Test
    void conversationMessagesWithoutTimeGetTheSessionDatePlusTheirIndex() throws IOException {
        Path file = write("chat.json", CONVERSATION);
        List<ConversationBatch> batches = ConversationFiles.readConversation(file, ConversationFiles.readTree(file));

        List<Message> s1 = batches.get(0).messages();
        assertEquals(Instant.parse("2024-03-02T18:10:00Z"), s1.get(0).timestamp());
        assertEquals(Instant.parse("2024-03-02T18:10:01Z"), s1.get(1).timestamp());
        assertEquals(Instant.parse("2024-03-02T20:00:00Z"), s1.get(2).timestamp(), "own timestamp wins");
        assertEquals("mine", s1.get(2).clientId(), "own id wins");
        assertEquals("Assistant", s1.get(1).speaker());
        assertEquals("assistant", s1.get(1).role());
    }

    @Test
    void conversationSessionsWithoutIdAreNumberedFromOne() throws IOException {
        Path file = write("chat.json", CONVERSATION);
        List<ScopedBatch> batches = InputFormat.read(InputFormat.auto, file, MAYA, true);

        assertEquals(List.of(MAYA.withSession("s1"), MAYA.withSession("session-2")),
                batches.stream().map(ScopedBatch::scope).toList());
        assertEquals(List.of("We adopted a dog."), texts(batches.get(1)));
    }

    @Test
    void derivedIdsAreStableAcrossReadsAndDifferPerSession() throws IOException {
        Path file = write("chat.json", CONVERSATION);
        List<String> first = InputFormat.read(InputFormat.auto, file, MAYA, true).stream()
                .flatMap(b -> b.messages().stream()).map(Message::clientId).toList();
        List<String> second = InputFormat.read(InputFormat.conversation, file, MAYA, true).stream()
                .flatMap(b -> b.messages().stream()).map(Message::clientId).toList();

        assertEquals(first, second);
        assertEquals(4, first.stream().distinct().count(), "every message its own id: " + first);
        assertNotEquals(first.get(0), first.get(3), "same text in another session is another message");
    }

    @Test
    void theBundledDemoConversationReadsAsFourSessionsOf36Turns() throws IOException {
        Path file = dir.resolve("conversation.json");
        try (InputStream in = getClass().getResourceAsStream("/demo/conversation.json")) {
            Files.copy(in, file);
        }
        List<ScopedBatch> batches = InputFormat.read(InputFormat.auto, file, MAYA, true);

        assertEquals(List.of("s1", "s2", "s3", "s4"), batches.stream().map(b -> b.scope().sessionId()).toList());
        assertEquals(36, batches.stream().mapToInt(b -> b.messages().size()).sum());
        assertTrue(batches.stream().flatMap(b -> b.messages().stream())
                .allMatch(m -> m.clientId() != null && m.timestamp() != null && m.speaker() != null));
    }

    // --- LoCoMo --------------------------------------------------------------------------------

    @Test
    void locomoIsDetectedAndEachSampleBecomesItsOwnUser() throws IOException {
        List<ScopedBatch> batches = InputFormat.read(InputFormat.auto, locomoFixture(), Scope.tenant("acme"), true);

        assertEquals(List.of(new Scope("acme", "conv-x", null, "session_1"), new Scope("acme", "conv-x", null, "session_2"),
                new Scope("acme", "conv-y", null, "session_1")), batches.stream().map(ScopedBatch::scope).toList());
        assertEquals(List.of(3, 2, 1), batches.stream().map(b -> b.messages().size()).toList());
    }

    @Test
    void locomoTurnsKeepSpeakerDiaIdAndSessionTime() throws IOException {
        List<ScopedBatch> batches = InputFormat.read(InputFormat.locomo, locomoFixture(), Scope.tenant("acme"), true);

        List<Message> s2 = batches.get(1).messages();
        assertEquals("Tomek", s2.get(0).speaker());
        assertEquals("Did the boat float on its first trip?", s2.get(0).text());
        assertEquals("D2:1", s2.get(0).clientId());
        assertEquals(Map.of("dia_id", "D2:2"), s2.get(1).metadata());
        assertEquals(Instant.parse("2023-04-21T18:40:00Z"), s2.get(0).timestamp());
        assertEquals(Instant.parse("2023-04-21T18:40:01Z"), s2.get(1).timestamp(), "turn order kept");
    }

    @Test
    void locomoUnderAGivenUserKeepsSamplesApartBySession() throws IOException {
        List<ScopedBatch> batches = InputFormat.read(InputFormat.auto, locomoFixture(), MAYA, true);

        assertEquals(List.of(MAYA.withSession("conv-x/session_1"), MAYA.withSession("conv-x/session_2"),
                MAYA.withSession("conv-y/session_1")), batches.stream().map(ScopedBatch::scope).toList());
    }

    @Test
    void locomoImageTurnsCarryTheirCaptionUnlessCaptionsAreOff() throws IOException {
        Path file = locomoFixture();
        Message with = InputFormat.read(InputFormat.auto, file, MAYA, true).get(0).messages().get(2);
        Message without = InputFormat.read(InputFormat.auto, file, MAYA, false).get(0).messages().get(2);

        assertEquals("Here it is after the last coat. [image: a small blue boat on a trailer]", with.text());
        assertEquals("Here it is after the last coat.", without.text());
        assertEquals("I finally repaired the old sailing boat my grandfather left me.",
                InputFormat.read(InputFormat.auto, file, MAYA, true).get(0).messages().get(0).text(),
                "turns without an image are unchanged");
    }
}
