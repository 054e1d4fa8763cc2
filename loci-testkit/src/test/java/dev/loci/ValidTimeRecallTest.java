package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.spi.SearchFilter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The two moments a recall can be asked about, on a conversation from 2024 imported in 2026: what
 * Loci knew then (record time, {@code asOf}) knows nothing of it, what held then (valid time,
 * {@code heldAt}) answers by the conversation's own timestamps.
 */
class ValidTimeRecallTest {
    private static final Scope MAYA = Scope.user("acme", "maya");
    private static final Instant MARCH = Instant.parse("2024-03-01T10:00:00Z");
    private static final Instant MAY = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant AUGUST = Instant.parse("2024-08-01T10:00:00Z");
    private static final Instant JUNE = Instant.parse("2024-06-01T00:00:00Z");
    private static final Instant SEPTEMBER = Instant.parse("2024-09-01T00:00:00Z");
    private static final Instant IMPORTED = Instant.parse("2026-02-01T09:00:00Z");

    private final Rig rig = Rig.create(3, LociConfig.defaults());
    private final Loci loci = rig.loci();

    /** Three sessions of 2024, imported in one go in 2026. */
    private List<String> imported() {
        rig.clock().set(IMPORTED);
        return List.of(
                loci.remember(MAYA.withSession("march"), List.of(Message.of("Maya", "I live in Boston.", MARCH)))
                        .ids().get(0),
                loci.remember(MAYA.withSession("may"), List.of(
                        Message.of("Maya", "Our greyhound Biscuit loves the beach.", MAY))).ids().get(0),
                loci.remember(MAYA.withSession("august"), List.of(
                        Message.of("Maya", "I moved to Denver, the beach is far now.", AUGUST))).ids().get(0));
    }

    private List<String> ids(RecallQuery q) {
        return loci.recall(MAYA, q).results().stream().map(r -> r.memory().id()).toList();
    }

    @Test
    void whatHeldThenAnswersByTheConversationsOwnTimesWhatLociKnewThenKnowsNothingOfAnImport() {
        List<String> turns = imported();
        var beach = RecallQuery.of("the beach").withKinds(Set.of(Kind.TURN)).withK(10);

        assertEquals(List.of(), ids(beach.withAsOf(JUNE)), "in June 2024 Loci had recorded nothing yet");
        List<String> june = ids(beach.withHeldAt(JUNE));
        assertTrue(june.contains(turns.get(1)), "said in May: " + june);
        assertFalse(june.contains(turns.get(2)), "said in August, after the moment asked about: " + june);
        assertTrue(ids(beach.withHeldAt(SEPTEMBER)).contains(turns.get(2)), "by September it had been said");
        assertTrue(ids(beach).containsAll(List.of(turns.get(1), turns.get(2))), "now: both");
    }

    @Test
    void aStatementClosedByALaterOneHeldUntilThenInTheConversationsTime() {
        imported();
        var home = RecallQuery.of("where does Maya live").withKinds(Set.of(Kind.FACT));
        List<Memory> facts = rig.store().list(new SearchFilter(MAYA, Set.of(Kind.FACT), null, Map.of()), 100);
        Memory boston = facts.stream().filter(f -> "boston".equals(f.metadata().get("loci.value"))).findFirst()
                .orElseThrow(() -> new AssertionError("no Boston fact among " + facts));
        Memory denver = facts.stream().filter(f -> "denver".equals(f.metadata().get("loci.value"))).findFirst()
                .orElseThrow(() -> new AssertionError("no Denver fact among " + facts));
        assertEquals(AUGUST, boston.validTo(), "closed when the move was said, not when it was imported");

        List<String> june = ids(home.withHeldAt(JUNE));
        assertTrue(june.contains(boston.id()), "in June 2024 Maya lived in Boston: " + june);
        assertFalse(june.contains(denver.id()), "the move was not said yet: " + june);
        List<String> september = ids(home.withHeldAt(SEPTEMBER));
        assertTrue(september.contains(denver.id()), september.toString());
        assertFalse(september.contains(boston.id()), "closed in August: " + september);
        assertEquals(List.of(), ids(home.withAsOf(JUNE)), "record time: nothing was known in June 2024");
    }

    @Test
    void anUpdatedMemoryAnswersInItsCurrentVersionOnlyForAnyMomentOfItsLife() {
        List<String> turns = imported();
        rig.clock().advance(Duration.ofDays(30));
        loci.update(MAYA, turns.get(1), "Our greyhound Biscuit loves the beach and the lake.");
        rig.clock().advance(Duration.ofDays(1));

        List<Recalled> june = loci.recall(MAYA, RecallQuery.of("greyhound beach").withKinds(Set.of(Kind.TURN))
                .withHeldAt(JUNE)).results();
        List<Recalled> biscuit = june.stream().filter(r -> r.memory().text().contains("Biscuit")).toList();
        assertEquals(1, biscuit.size(), "one version of the memory, not the replaced one beside it: " + june);
        assertEquals(turns.get(1), biscuit.get(0).memory().id());
        assertTrue(biscuit.get(0).memory().text().contains("lake"), "the correction applies: " + biscuit);
    }

    @Test
    void aQueryAsksAboutOneMomentNotBoth() {
        var e = assertThrows(InvalidInputException.class,
                () -> RecallQuery.of("beach").withAsOf(JUNE).withHeldAt(JUNE));
        assertEquals("query.heldAt", e.field());
        assertTrue(e.getMessage().contains("not both"), e.getMessage());
    }
}
