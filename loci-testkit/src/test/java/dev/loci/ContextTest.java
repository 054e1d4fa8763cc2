package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.ContextBlock.Fidelity;
import dev.loci.spi.TokenCounter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** context(): the most useful memories, packed under a token budget. */
class ContextTest {
    private static final Scope MAYA = Scope.user("acme", "maya");
    private static final Instant MARCH = Instant.parse("2024-03-02T18:00:00Z");
    private static final Instant MAY = Instant.parse("2024-05-11T09:00:00Z");

    private final Rig rig = Rig.create(11, LociConfig.defaults());
    private final TokenCounter words = TokenCounter.words();

    private void rememberTwoSessions() {
        rig.loci().remember(MAYA.withSession("march"), List.of(
                Message.of("Maya", "We adopted a greyhound from the shelter and called her Biscuit", MARCH)
                        .withClientId("m0"),
                Message.of("Assistant", "Congratulations on the greyhound, how is she settling in", MARCH.plusSeconds(10))
                        .withClientId("m1"),
                Message.of("Maya", "Biscuit sleeps most of the day on the sofa and loves the park in the morning when "
                        + "it is quiet, but she is still shy with strangers and hides behind me", MARCH.plusSeconds(20))
                        .withClientId("m2"),
                Message.of("Maya", "I am seriously allergic to peanuts so no peanut dog treats", MARCH.plusSeconds(30))
                        .withClientId("m3")));
        rig.loci().remember(MAYA.withSession("may"), List.of(
                Message.of("Maya", "The greyhound finished her obedience course with a ribbon", MAY).withClientId("y0"),
                Message.of("Maya", "I was offered the lead role in the Berlin team", MAY.plusSeconds(10))
                        .withClientId("y1"),
                Message.of("Maya", "Moving would mean a pet passport for Biscuit the greyhound", MAY.plusSeconds(20))
                        .withClientId("y2")));
    }

    @Test
    void neverExceedsTheBudgetAndCountsExactly() {
        rememberTwoSessions();
        for (int budget = 1; budget <= 300; budget += 7) {
            ContextBlock block = rig.loci().context(MAYA, "greyhound Biscuit", budget);
            assertTrue(block.tokens() <= budget, budget + ": " + block.tokens());
            assertEquals(block.text().isEmpty() ? 0 : words.count(block.text()), block.tokens(), "budget " + budget);
            assertEquals(budget, block.budget());
            assertEquals("words", block.counter());
        }
    }

    @Test
    void aGenerousBudgetHoldsFullTextsOldestFirst() {
        rememberTwoSessions();
        ContextBlock block = rig.loci().context(MAYA, "greyhound Biscuit", 2000);
        assertTrue(block.items().stream().allMatch(i -> i.fidelity() == Fidelity.FULL), block.items().toString());
        assertEquals(7, block.items().size(), "every turn was recalled and fits");
        List<String> dates = block.text().lines().skip(1).map(l -> l.substring(0, 12)).toList();
        assertEquals(dates.stream().sorted().toList(), dates, "oldest first");
        assertTrue(block.text().contains("[2024-03-02] Maya: We adopted a greyhound from the shelter and called her Biscuit"));
    }

    @Test
    void aTightBudgetFallsBackToSummariesAndPlaceholders() {
        var longTurns = new ArrayList<Message>();
        for (int i = 0; i < 6; i++) {
            longTurns.add(Message.of("Maya", "Walk number " + i + " with the greyhound took us along the river, past the "
                    + "old mill and the bakery, then up the hill where she chased a hare and came back muddy and happy",
                    MARCH.plusSeconds(60L * i)).withClientId("w" + i));
        }
        rig.loci().remember(MAYA.withSession("walks"), longTurns);
        ContextBlock block = rig.loci().context(MAYA, "greyhound walk", 80);
        Set<Fidelity> used = new HashSet<>();
        block.items().forEach(i -> used.add(i.fidelity()));
        assertEquals(1, block.items().stream().filter(i -> i.fidelity() == Fidelity.FULL).count(),
                "a full walk is about 45 tokens: only the best fits in full " + block.text());
        assertTrue(used.contains(Fidelity.PLACEHOLDER) || used.contains(Fidelity.SUMMARY), block.text());
        int covered = block.items().stream().mapToInt(i -> i.covers().size()).sum();
        assertTrue(covered >= 2, "lower fidelity buys coverage: " + block.text());
        assertTrue(block.tokens() <= 80);

        ContextBlock roomy = rig.loci().context(MAYA, "greyhound walk", 400);
        assertTrue(roomy.items().stream().allMatch(i -> i.fidelity() == Fidelity.FULL), roomy.text());
        assertEquals(6, roomy.items().size());
    }

    @Test
    void theMostRelevantMemoryGetsItsFullTextFirst() {
        rememberTwoSessions();
        var top = rig.loci().recall(MAYA, RecallQuery.of("peanut allergy")).results().get(0).memory();
        for (int budget : new int[] {30, 60, 120}) {
            ContextBlock block = rig.loci().context(MAYA, "peanut allergy", budget);
            ContextBlock.Item best = block.items().stream().max(java.util.Comparator.comparingDouble(
                    ContextBlock.Item::relevance)).orElseThrow();
            assertEquals(top.id(), best.id(), "budget " + budget);
            assertEquals(Fidelity.FULL, best.fidelity(), "budget " + budget);
        }
    }

    @Test
    void aBiggerBudgetShowsAtLeastAsMuch() {
        rememberTwoSessions();
        int small = rig.loci().context(MAYA, "greyhound Biscuit", 60).items().stream()
                .mapToInt(i -> i.covers().size()).sum();
        int large = rig.loci().context(MAYA, "greyhound Biscuit", 600).items().stream()
                .mapToInt(i -> i.covers().size()).sum();
        assertTrue(large >= small && large == 7, small + " then " + large);
    }

    @Test
    void itemsNameWhatTheTextShows() {
        rememberTwoSessions();
        ContextBlock block = rig.loci().context(MAYA, "greyhound Biscuit", 90);
        List<String> ids = new ArrayList<>();
        for (ContextBlock.Item item : block.items()) {
            Memory shown = rig.loci().get(MAYA, item.id()).orElseThrow();
            String words = item.fidelity() == Fidelity.PLACEHOLDER
                    ? String.join(" ", List.of(shown.text().split(" ")).subList(0, 3)) : shown.text();
            assertTrue(block.text().contains(words), item + " not in\n" + block.text());
            ids.addAll(item.covers());
        }
        assertEquals(ids.size(), Set.copyOf(ids).size(), "each memory is shown once");
    }

    @Test
    void nothingFitsInATinyBudget() {
        rememberTwoSessions();
        ContextBlock block = rig.loci().context(MAYA, "greyhound", 3);
        assertEquals("", block.text());
        assertEquals(0, block.tokens());
        assertTrue(block.items().isEmpty());
    }

    @Test
    void anEmptyMemoryGivesAnEmptyBlock() {
        ContextBlock block = rig.loci().context(MAYA, "anything", 100);
        assertEquals("", block.text());
        assertFalse(block.tokens() > 0);
    }

    @Test
    void aBudgetBelowOneIsRejected() {
        var e = assertThrows(InvalidInputException.class, () -> rig.loci().context(MAYA, "greyhound", 0));
        assertEquals("budget", e.field());
    }

    @Test
    void theProfileComesFirst() {
        rememberTwoSessions();
        String id = dev.loci.internal.util.MemoryIds.profileId("acme", "maya");
        Memory profile = Memory.builder().id(id).scope(MAYA).kind(Kind.PROFILE)
                .text("Maya: allergic to peanuts; has a greyhound").occurredAt(MARCH).recordedAt(MARCH).importance(1.0)
                .build();
        rig.store().write(List.of(dev.loci.testkit.TestMemories.stored(profile, rig.embedder())));
        ContextBlock block = rig.loci().context(MAYA, "greyhound", 500);
        assertTrue(block.text().startsWith("About the user:\nMaya: allergic to peanuts; has a greyhound\n\n"),
                block.text());
        assertEquals(id, block.items().get(0).id());
    }
}
