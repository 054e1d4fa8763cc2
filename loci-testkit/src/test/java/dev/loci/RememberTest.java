package dev.loci;

import static dev.loci.Rig.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RememberTest {
    private static final Scope ANNA = Scope.user("acme", "anna").withSession("s1");

    private final Rig rig = Rig.create(7);
    private final Loci loci = rig.loci();

    private static Message msg(String clientId, String text) {
        return Message.of("Anna", text, null).withClientId(clientId);
    }

    private Memory get(String id) {
        return loci.get(ANNA, id).orElseThrow(() -> new AssertionError("missing " + id));
    }

    @Test
    void idsComeBackInInputOrder() {
        var messages = List.of(msg("c1", "first message about cats"), Message.of("Anna", "second, no client id", null),
                msg("c3", "third message about dogs"), Message.of(null, "fourth, no speaker", T0.minusSeconds(5)));
        RememberResult r = loci.remember(ANNA, messages);
        assertEquals(4, r.ids().size());
        assertEquals(4, r.added());
        assertEquals(0, r.skipped());
        assertEquals(4, new HashSet<>(r.ids()).size(), "distinct ids");
        for (int i = 0; i < messages.size(); i++) {
            assertEquals(messages.get(i).text(), get(r.ids().get(i)).text(), "id " + i + " points at message " + i);
        }
        assertEquals(4, loci.stats().memories());
    }

    @Test
    void sameClientIdsAgainAreSkippedWithoutEmbedding() {
        var messages = List.of(msg("c1", "alpha"), msg("c2", "beta"), msg("c3", "gamma"));
        RememberResult first = loci.remember(ANNA, messages);
        int calls = rig.embedder().documentCalls();
        assertEquals(1, calls, "one embedding batch per call");
        Memory before = get(first.ids().get(1));

        rig.clock().advance(Duration.ofHours(1));
        RememberResult again = loci.remember(ANNA, messages);
        assertEquals(first.ids(), again.ids(), "same ids for the same client ids");
        assertEquals(0, again.added());
        assertEquals(3, again.skipped());
        assertEquals(calls, rig.embedder().documentCalls(), "nothing re-embedded");
        assertEquals(3, loci.stats().memories());
        assertEquals(before, get(first.ids().get(1)), "the stored memory is untouched (recordedAt not bumped)");
    }

    @Test
    void retryWithChangedTextKeepsTheOriginal() {
        String id = loci.remember(ANNA, List.of(msg("c1", "original text"))).ids().get(0);
        RememberResult r = loci.remember(ANNA, List.of(msg("c1", "edited text")));
        assertEquals(List.of(id), r.ids());
        assertEquals(1, r.skipped());
        assertEquals("original text", get(id).text());
    }

    @Test
    void partlyKnownBatchAddsOnlyTheNewOnes() {
        RememberResult first = loci.remember(ANNA, List.of(msg("c1", "alpha"), msg("c2", "beta")));
        RememberResult second = loci.remember(ANNA, List.of(msg("c2", "beta"), msg("c3", "gamma"), msg("c1", "alpha")));
        assertEquals(1, second.added());
        assertEquals(2, second.skipped());
        assertEquals(first.ids().get(1), second.ids().get(0));
        assertEquals(first.ids().get(0), second.ids().get(2));
        assertEquals("gamma", get(second.ids().get(1)).text());
        assertEquals(2, rig.embedder().documentCalls());
        assertEquals(3, loci.stats().memories());
    }

    @Test
    void duplicateClientIdWithinOneBatchCountsOnce() {
        RememberResult r = loci.remember(ANNA, List.of(msg("dup", "first wins"), msg("x", "other"),
                msg("dup", "second copy")));
        assertEquals(1 + 1, r.added());
        assertEquals(1, r.skipped());
        assertEquals(r.ids().get(0), r.ids().get(2), "both copies get the same id");
        assertEquals("first wins", get(r.ids().get(0)).text());
        assertEquals(2, loci.stats().memories());
    }

    @Test
    void clientIdIsPerScope() {
        String a = loci.remember(ANNA, List.of(msg("c1", "in session one"))).ids().get(0);
        Scope otherSession = Scope.user("acme", "anna").withSession("s2");
        RememberResult r = loci.remember(otherSession, List.of(msg("c1", "in session two")));
        assertEquals(1, r.added(), "the same client id in another session is a different message");
        assertNotEquals(a, r.ids().get(0));
        assertEquals("in session two", loci.get(otherSession, r.ids().get(0)).orElseThrow().text());
        assertEquals("in session one", get(a).text());
    }

    @Test
    void withoutClientIdEveryCallAddsAgain() {
        var m = Message.of("Anna", "no client id here", null);
        RememberResult a = loci.remember(ANNA, List.of(m, m));
        RememberResult b = loci.remember(ANNA, List.of(m));
        assertEquals(2, a.added());
        assertEquals(1, b.added());
        assertEquals(3, new HashSet<>(List.of(a.ids().get(0), a.ids().get(1), b.ids().get(0))).size());
        assertEquals(3, loci.stats().memories());
    }

    @Test
    void randomIdsFollowTheInjectedSeed() {
        var m = List.of(Message.of("Anna", "hello", null), Message.of("Anna", "again", null));
        List<String> one = Rig.create(99).loci().remember(ANNA, m).ids();
        List<String> two = Rig.create(99).loci().remember(ANNA, m).ids();
        List<String> other = Rig.create(100).loci().remember(ANNA, m).ids();
        assertEquals(one, two);
        assertNotEquals(one, other);
    }

    @Test
    void timesComeFromTheMessageOrTheClock() {
        Instant said = T0.minus(Duration.ofDays(3));
        rig.clock().set(T0.plusSeconds(42));
        RememberResult r = loci.remember(ANNA, List.of(
                Message.of("Anna", "no timestamp", null), Message.of("Anna", "with timestamp", said)));
        Memory now = get(r.ids().get(0));
        assertEquals(T0.plusSeconds(42), now.occurredAt(), "missing timestamp means the clock's now");
        assertEquals(T0.plusSeconds(42), now.recordedAt());
        assertEquals(T0.plusSeconds(42), now.validFrom());

        Memory past = get(r.ids().get(1));
        assertEquals(said, past.occurredAt());
        assertEquals(said, past.validFrom(), "a turn holds from when it was said");
        assertEquals(T0.plusSeconds(42), past.recordedAt(), "recorded when Loci learned it");

        rig.clock().advance(Duration.ofMinutes(5));
        Memory later = get(loci.remember(ANNA, List.of(Message.of("Anna", "later", null))).ids().get(0));
        assertEquals(T0.plusSeconds(42 + 300), later.occurredAt(), "the clock is read per call");
    }

    @Test
    void turnsCarryTheMessageFields() {
        var message = new Message("user", "Anna", "I moved to Lisbon", T0, "c-9", Map.of("channel", "chat"));
        Memory m = get(loci.remember(ANNA, List.of(message)).ids().get(0));
        assertEquals(Kind.TURN, m.kind());
        assertEquals(0, m.level());
        assertEquals(1, m.version());
        assertEquals(ANNA, m.scope());
        assertEquals("I moved to Lisbon", m.text());
        assertEquals("user", m.role());
        assertEquals("Anna", m.speaker());
        assertEquals("c-9", m.clientId());
        assertEquals(List.of("c-9"), m.sourceIds(), "provenance points at the client message");
        assertEquals(Map.of("channel", "chat"), m.metadata());
        assertNull(m.validTo());
        assertNull(m.parentId());
        assertEquals(List.of(), m.childIds());
        assertTrue(m.importance() >= 0 && m.importance() <= 1);

        Memory anonymous = get(loci.remember(ANNA, List.of(Message.of(null, "plain", null))).ids().get(0));
        assertNull(anonymous.clientId());
        assertNull(anonymous.speaker());
        assertEquals(List.of(), anonymous.sourceIds());
    }

    @Test
    void emptyBatchWritesAndEmbedsNothing() {
        RememberResult r = loci.remember(ANNA, List.of());
        assertEquals(new RememberResult(List.of(), 0, 0), r);
        assertEquals(0, rig.embedder().documentCalls());
        assertEquals(0, loci.stats().memories());
    }
}
