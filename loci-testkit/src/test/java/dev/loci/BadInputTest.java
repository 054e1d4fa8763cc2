package dev.loci;

import dev.loci.engine.LociEngine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every rejected call names the field at fault and leaves the store exactly as it was. */
class BadInputTest {
    private static final int MAX_TEXT = 50;
    private static final int MAX_MESSAGES = 8;
    private static final Scope SCOPE = Scope.user("acme", "anna");

    private final Rig rig = Rig.create(3, Rig.flat().withIngest(IngestConfig.builder().maxTextChars(MAX_TEXT).maxMessagesPerCall(MAX_MESSAGES).build()));
    private final Loci loci = rig.loci();
    private List<String> existing;

    @BeforeEach
    void someMemoriesAlreadyThere() {
        existing = loci.remember(SCOPE, List.of(ok("e1"), ok("e2"))).ids();
    }

    private static Message ok(String clientId) {
        return Message.of("Anna", "valid message " + clientId, null).withClientId(clientId);
    }

    /** Runs the call, checks the field, and checks that nothing was written or embedded. */
    private InvalidInputException rejected(String field, Executable call) {
        long memories = loci.stats().memories();
        int embedCalls = rig.embedder().documentCalls();
        var e = assertThrows(InvalidInputException.class, call);
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
        assertEquals(memories, loci.stats().memories(), "store unchanged after " + e.getMessage());
        assertEquals(embedCalls, rig.embedder().documentCalls(), "nothing embedded after " + e.getMessage());
        for (String id : existing) {
            assertTrue(loci.get(SCOPE, id).isPresent(), "earlier memories still there");
        }
        return e;
    }

    private static List<Message> validThen(Message last) {
        var batch = new ArrayList<Message>();
        for (int i = 0; i < 5; i++) {
            batch.add(ok("v" + i));
        }
        batch.add(last);
        return batch;
    }

    /** After a rejected batch, the valid part of it must still be new: none of it was half-written. */
    private void validPartWasNotWritten() {
        RememberResult r = loci.remember(SCOPE, validThen(ok("v5")));
        assertEquals(6, r.added(), "a rejected batch left some of its messages behind");
    }

    @Test
    void nullScope() {
        var e = rejected("scope", () -> loci.remember(null, List.of(ok("x"))));
        assertTrue(e.getMessage().contains("tenant"), e.getMessage());
    }

    @Test
    void missingOrBlankTenant() {
        rejected("scope.tenant", () -> loci.remember(new Scope(null, "anna", null, null), List.of(ok("x"))));
        rejected("scope.tenant", () -> loci.remember(Scope.tenant("  "), List.of(ok("x"))));
    }

    @Test
    void nullMessageList() {
        rejected("messages", () -> loci.remember(SCOPE, null));
    }

    @Test
    void emptyText() {
        var e = rejected("messages[5].text", () -> loci.remember(SCOPE, validThen(Message.of("Anna", "", null))));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        validPartWasNotWritten();
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "\t", "\n \r\n", "\u2003"})
    void blankText(String blank) {
        rejected("messages[5].text", () -> loci.remember(SCOPE, validThen(Message.of("Anna", blank, null))));
        validPartWasNotWritten();
    }

    @Test
    void nullText() {
        rejected("messages[0].text", () -> loci.remember(SCOPE, List.of(Message.of("Anna", null, null))));
    }

    @Test
    void oversizedTextNamesTheLimitAndTheSetting() {
        var e = rejected("messages[5].text",
                () -> loci.remember(SCOPE, validThen(Message.of("Anna", "x".repeat(MAX_TEXT + 1), null))));
        assertTrue(e.getMessage().contains(String.valueOf(MAX_TEXT + 1)), "actual length: " + e.getMessage());
        assertTrue(e.getMessage().contains("at most " + MAX_TEXT), "limit: " + e.getMessage());
        assertTrue(e.getMessage().contains("maxTextChars"), "setting to change: " + e.getMessage());
        validPartWasNotWritten();
    }

    @Test
    void textAtTheLimitIsAccepted() {
        assertEquals(1, loci.remember(SCOPE, List.of(Message.of("Anna", "y".repeat(MAX_TEXT), null))).added());
    }

    @Test
    void tooManyMessagesNamesTheLimitAndTheSetting() {
        var batch = new ArrayList<Message>();
        for (int i = 0; i <= MAX_MESSAGES; i++) {
            batch.add(ok("n" + i));
        }
        var e = rejected("messages", () -> loci.remember(SCOPE, batch));
        assertTrue(e.getMessage().contains(String.valueOf(MAX_MESSAGES + 1)), e.getMessage());
        assertTrue(e.getMessage().contains("at most " + MAX_MESSAGES), e.getMessage());
        assertTrue(e.getMessage().contains("maxMessagesPerCall"), e.getMessage());
        assertEquals(MAX_MESSAGES, loci.remember(SCOPE, batch.subList(0, MAX_MESSAGES)).added(), "the limit itself is fine");
    }

    @Test
    void nullMessageInTheList() {
        var e = rejected("messages[2]", () -> loci.remember(SCOPE, Arrays.asList(ok("a"), ok("b"), null, ok("d"))));
        assertTrue(e.getMessage().contains("null"), e.getMessage());
    }

    @Test
    void badClientId() {
        rejected("messages[5].clientId", () -> loci.remember(SCOPE, validThen(ok(" "))));
        var longId = Message.of("Anna", "short", null).withClientId("c".repeat(Scope.MAX_ID_LENGTH + 1));
        var e = rejected("messages[5].clientId", () -> loci.remember(SCOPE, validThen(longId)));
        assertTrue(e.getMessage().contains(String.valueOf(Scope.MAX_ID_LENGTH)), e.getMessage());
        validPartWasNotWritten();
    }

    @Test
    void blankMetadataKey() {
        var meta = new HashMap<String, String>();
        meta.put(" ", "v");
        rejected("messages[5].metadata", () -> loci.remember(SCOPE, validThen(ok("m").withMetadata(meta))));
        validPartWasNotWritten();
    }

    /** A single bad message at a random place in a random batch: named by index, nothing written. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void oneBadMessageAnywhereRejectsTheWholeBatch(long seed) {
        var random = new Random(seed);
        List<IntFunction<Message>> bad = List.of(
                i -> Message.of("Anna", "", null),
                i -> Message.of("Anna", "   ", null),
                i -> Message.of("Anna", "z".repeat(MAX_TEXT + 1 + i), null),
                i -> ok(""));
        for (int trial = 0; trial < 20; trial++) {
            int size = 1 + random.nextInt(MAX_MESSAGES);
            int badAt = random.nextInt(size);
            var batch = new ArrayList<Message>();
            for (int i = 0; i < size; i++) {
                batch.add(i == badAt ? bad.get(random.nextInt(bad.size())).apply(i) : ok("r" + seed + "-" + trial + "-" + i));
            }
            var e = assertThrows(InvalidInputException.class, () -> loci.remember(SCOPE, batch));
            assertTrue(e.field().startsWith("messages[" + badAt + "]."), e.field());
            assertEquals(existing.size(), loci.stats().memories(), "trial " + trial + " wrote something");
        }
    }

    @Test
    void recallAndGetNameTheirParameters() {
        rejected("scope", () -> loci.recall(null, RecallQuery.of("q")));
        rejected("query", () -> loci.recall(SCOPE, null));
        rejected("scope", () -> loci.get(null, existing.get(0)));
        rejected("id", () -> loci.get(SCOPE, " "));
        rejected("id", () -> loci.forget(SCOPE, (String) null));
        rejected("scope", () -> loci.forget(null, existing.get(0)));
        rejected("filter", () -> loci.forget(SCOPE, (MemoryFilter) null));
        rejected("scope", () -> loci.forget(null, MemoryFilter.all()));
        rejected("scope", () -> loci.purge(null));
        rejected("scope", () -> loci.count(null, MemoryFilter.all()));
        rejected("filter.metadata", () -> MemoryFilter.all().withMetadata(Map.of(" ", "v")));
        assertEquals(existing.size(), loci.stats().memories(), "nothing was deleted");
    }

    @Test
    void builderNamesTheMissingPart() {
        var e = assertThrows(InvalidInputException.class, () -> LociEngine.builder().store(rig.store()).build());
        assertEquals("embedder", e.field());
        e = assertThrows(InvalidInputException.class, () -> LociEngine.builder().embedder(rig.embedder()).build());
        assertEquals("store", e.field());
    }

    @Test
    void closedInstanceRefusesWork() {
        loci.close();
        var e = assertThrows(LociException.class, () -> loci.remember(SCOPE, List.of(ok("late"))));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(LociException.class, () -> loci.recall(SCOPE, RecallQuery.of("q")));
        assertThrows(LociException.class, () -> loci.get(SCOPE, existing.get(0)));
        loci.close(); // idempotent
    }
}
