package dev.loci;

import dev.loci.engine.LociEngine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.spi.SearchFilter;
import dev.loci.spi.TokenCounter;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Facts read from turns, end to end on a manual clock: supersession closes the contradicted fact
 * and links the two, a repeated claim reinforces instead of duplicating, the profile follows the
 * current facts, and forgets, purges and updates keep all of it consistent.
 */
class FactsTest {
    private static final Scope MAYA = Scope.user("acme", "maya");
    private static final Scope S1 = MAYA.withSession("s1");
    private static final Scope S2 = MAYA.withSession("s2");
    private static final Instant T = Rig.T0.plus(Duration.ofDays(1));

    private static Rig rig() {
        return Rig.create(5, LociConfig.defaults());
    }

    /** Remembers what Maya said at {@code at}, as a live agent does: at the moment it is said. */
    private static String say(Rig rig, Scope scope, String text, Instant at) {
        rig.clock().set(at);
        return rig.loci().remember(scope, List.of(Message.of("Maya", text, at))).ids().get(0);
    }

    /** Every FACT of the user, current or not, oldest said first. */
    private static List<Memory> facts(Rig rig) {
        return rig.store().list(new SearchFilter(MAYA, Set.of(Kind.FACT), null, Map.of()), 1000).stream()
                .sorted(Comparator.comparing(Memory::occurredAt)).toList();
    }

    private static Memory fact(Rig rig, String value) {
        return facts(rig).stream().filter(f -> value.equals(f.metadata().get("loci.value"))).findFirst().orElseThrow(
                () -> new AssertionError("no fact with value " + value + " among " + facts(rig)));
    }

    private static String profile(Rig rig) {
        return rig.loci().context(MAYA, "anything", 2000).text();
    }

    @Test
    void aContradictingStatementClosesTheOlderFactAndLinksThem() {
        var rig = rig();
        Instant moved = T.plus(Duration.ofDays(10));
        String boston = say(rig, S1, "I live in Boston. I have two cats.", T);
        String denver = say(rig, S2, "I moved to Denver last month.", moved);

        Memory old = fact(rig, "boston");
        Memory now = fact(rig, "denver");
        assertEquals("maya", old.metadata().get("loci.subject"));
        assertEquals("residence", old.metadata().get("loci.attribute"));
        assertEquals(List.of(boston), old.sourceIds(), "provenance: the turn it was read from");
        assertEquals(moved, old.validTo(), "closed when the new statement was said");
        assertEquals(now.id(), old.lifecycle().supersededBy());
        assertEquals(old.id(), now.lifecycle().supersedes());
        assertNull(now.validTo());
        assertEquals(List.of(denver), now.sourceIds());

        var current = rig.loci().recall(MAYA, RecallQuery.of("where does Maya live").withKinds(Set.of(Kind.FACT)));
        assertEquals(List.of(now.id()), current.results().stream().map(r -> r.memory().id())
                .filter(id -> id.equals(now.id()) || id.equals(old.id())).toList(), "current recall sees the valid one");
        var asOf = rig.loci().recall(MAYA, RecallQuery.of("where does Maya live").withKinds(Set.of(Kind.FACT))
                .withAsOf(moved.minusSeconds(1)));
        assertTrue(asOf.results().stream().anyMatch(r -> r.memory().id().equals(old.id())),
                "as of before the move, Boston was current");

        assertEquals(List.of(old.id(), now.id()),
                rig.loci().history(MAYA, now.id()).stream().map(Memory::id).toList(), "history shows both");
        String text = profile(rig);
        assertTrue(text.contains("residence: denver"), text);
        assertFalse(text.contains("residence: boston"), text);
        assertTrue(text.contains("pet: "), "other facts stay: " + text);
        var context = rig.loci().context(MAYA, "where does Maya live", 2000).text();
        assertEquals(1, context.split("\\] Maya: I moved to Denver", -1).length - 1,
                "the fact does not repeat its turn among the memories: " + context);
    }

    @Test
    void currentRecallPrefersTheTurnOfTheValidStatementAndHistoryLinksTheTurns() {
        var rig = rig();
        Instant moved = T.plus(Duration.ofDays(10));
        String boston = say(rig, S1, "I live in Boston.", T);
        String denver = say(rig, S2, "I moved to Denver.", moved);

        assertEquals(denver, rig.store().get("acme", boston).orElseThrow().lifecycle().supersededBy());
        assertEquals(boston, rig.store().get("acme", denver).orElseThrow().lifecycle().supersedes());
        assertEquals(List.of(boston, denver), rig.loci().history(MAYA, denver).stream().map(Memory::id).toList());

        var query = RecallQuery.of("Maya live Boston Denver moved").withKinds(Set.of(Kind.TURN));
        var now = rig.loci().recall(MAYA, query).results();
        assertEquals(denver, now.get(0).memory().id(), "the valid one first");
        assertTrue(now.stream().anyMatch(r -> r.memory().id().equals(boston)), "the old one stays in reach");
        assertTrue(now.stream().filter(r -> r.memory().id().equals(boston)).findFirst().orElseThrow()
                .signal("superseded").isPresent(), "and says why it is lower");

        var off = RecallConfig.defaults().withSupersession(1.0);
        assertTrue(rig.loci().recall(MAYA, query, off).results().stream()
                .allMatch(r -> r.signal("superseded").isEmpty()), "the step can be switched off");

        var before = rig.loci().recall(MAYA, query.withAsOf(moved.minusSeconds(1))).results();
        assertEquals(List.of(boston), before.stream().map(r -> r.memory().id()).toList(),
                "as of before the move only Boston was known, and nothing lowers it");
    }

    @Test
    void forgettingTheNewerTurnLiftsTheOlderTurnsLink() {
        var rig = rig();
        String boston = say(rig, S1, "I live in Boston.", T);
        String denver = say(rig, S2, "I moved to Denver.", T.plus(Duration.ofDays(10)));
        assertTrue(rig.loci().forget(MAYA, denver));
        assertNull(rig.store().get("acme", boston).orElseThrow().lifecycle().supersededBy());
    }

    @Test
    void theLaterSaidStatementWinsWhateverTheOrderOfIngestion() {
        var rig = rig();
        Instant moved = T.plus(Duration.ofDays(10));
        rig.loci().remember(S2, List.of(Message.of("Maya", "I moved to Denver.", moved)));
        rig.loci().remember(S1, List.of(Message.of("Maya", "I live in Boston.", T))); // remembered later, said earlier

        Memory old = fact(rig, "boston");
        Memory now = fact(rig, "denver");
        assertEquals(moved, old.validTo(), "stored closed already");
        assertEquals(now.id(), old.lifecycle().supersededBy());
        assertEquals(old.id(), now.lifecycle().supersedes());
        assertNull(now.validTo());
        assertTrue(profile(rig).contains("residence: denver"));
    }

    @Test
    void aRepeatedClaimReinforcesTheFactInsteadOfStoringItTwice() {
        var rig = rig();
        String first = say(rig, S1, "My favorite color is green.", T);
        String second = say(rig, S2, "Green is still my favorite color, always has been.", T.plus(Duration.ofDays(3)));

        List<Memory> greens = facts(rig).stream().filter(f -> "green".equals(f.metadata().get("loci.value"))).toList();
        assertEquals(1, greens.size(), "one fact: " + facts(rig));
        Memory fact = greens.get(0);
        assertEquals(List.of(first, second), fact.sourceIds(), "provenance of both");
        assertEquals(1, fact.lifecycle().accessCount(), "reinforced once");
        assertEquals(0.65, fact.importance(), 1e-9);
        assertEquals(2, rig.store().count(new SearchFilter(MAYA, Set.of(Kind.TURN), null, Map.of())),
                "both turns stay: they are what was said");
    }

    @Test
    void theProfileComesFirstInTheContextWithProvenanceAndStaysOutOfRecall() {
        var rig = rig();
        String turn = say(rig, S1, "I work at Globex as a data engineer.", T);
        say(rig, S1, "My sister lives in Lisbon.", T.plusSeconds(60));

        var block = rig.loci().context(MAYA, "what does Maya do for work", 2000);
        assertTrue(block.text().contains("About the user:"), block.text());
        assertTrue(block.text().contains("employer: globex"), block.text());
        assertTrue(block.text().contains("Maya's sister:"), block.text());
        assertTrue(block.text().indexOf("employer: globex") < block.text().indexOf("] Maya: "),
                "profile first: " + block.text());

        Memory profile = rig.store().list(new SearchFilter(MAYA, Set.of(Kind.PROFILE), null, Map.of()), 10).get(0);
        assertTrue(profile.sourceIds().contains(turn), "the profile names the turns it came from");
        assertTrue(profile.childIds().contains(fact(rig, "globex").id()));
        assertTrue(rig.loci().recall(MAYA, RecallQuery.of("Globex data engineer sister Lisbon")).results().stream()
                .noneMatch(r -> r.memory().kind() == Kind.PROFILE), "not a recall result unless asked for");
    }

    @Test
    void theProfileTakesAtMostAQuarterOfTheBudget() {
        var rig = rig();
        String[] said = {"I live in Boston.", "I work at Globex.", "My sister lives in Lisbon.", "I have a dog.",
            "My favorite color is green.", "I love hiking.", "I am planning to run a marathon.", "I have a cat.",
            "My brother lives in Oslo.", "I love jazz.", "My favorite food is ramen.", "I am vegetarian."};
        for (int i = 0; i < said.length; i++) {
            say(rig, S1, said[i], T.plusSeconds(i));
        }
        int budget = 100;
        String text = rig.loci().context(MAYA, "what does Maya love", budget).text();
        String profile = text.contains("\n\nRelevant") ? text.substring(0, text.indexOf("\n\nRelevant")) : text;
        assertTrue(profile.startsWith("About the user:\nMaya:\n"), text);
        int words = TokenCounter.words().count(profile);
        assertTrue(words <= budget / 4, words + " words of profile: " + text);
        assertTrue(text.contains("Relevant memories"), "the rest is left to the memories: " + text);
        String full = rig.store().list(new SearchFilter(MAYA, Set.of(Kind.PROFILE), null, Map.of()), 1).get(0).text();
        assertTrue(TokenCounter.words().count(full) > budget / 4, "the whole profile would not have fit: " + full);
    }

    @Test
    void forgettingTheNewerTurnDeletesItsFactAndOpensTheOlderOneAgain() {
        var rig = rig();
        say(rig, S1, "I live in Boston.", T);
        String moved = say(rig, S2, "I moved to Denver.", T.plus(Duration.ofDays(10)));
        String bostonFact = fact(rig, "boston").id();

        assertTrue(rig.loci().forget(MAYA, moved));
        assertTrue(facts(rig).stream().noneMatch(f -> f.text().contains("Denver")), "its fact went with it");
        Memory reopened = rig.store().get("acme", bostonFact).orElseThrow();
        assertNull(reopened.validTo());
        assertNull(reopened.lifecycle().supersededBy());
        String text = profile(rig);
        assertTrue(text.contains("residence: boston"), text);
        assertFalse(text.contains("Denver"), text);
    }

    @Test
    void forgettingTheNewerFactItselfOpensTheOlderOneAgain() {
        var rig = rig();
        say(rig, S1, "I live in Boston.", T);
        say(rig, S2, "I moved to Denver.", T.plus(Duration.ofDays(10)));

        assertTrue(rig.loci().forget(MAYA, fact(rig, "denver").id()));
        assertNull(fact(rig, "boston").validTo());
        assertTrue(profile(rig).contains("residence: boston"), profile(rig));
    }

    @Test
    void purgingASessionRebuildsTheProfileAndPurgingTheUserRemovesIt() {
        var rig = rig();
        say(rig, S1, "I live in Boston.", T);
        say(rig, S2, "I have a dog named Biscuit.", T.plus(Duration.ofDays(2)));

        rig.loci().purge(S2);
        String text = profile(rig);
        assertTrue(text.contains("residence: boston"), text);
        assertFalse(text.contains("Biscuit") || text.contains("dog"), text);

        rig.loci().purge(MAYA);
        assertEquals(0, rig.store().count(SearchFilter.of(MAYA)), "no fact, no profile left");
    }

    @Test
    void updatingATurnClosesItsFactsAndReadsTheNewText() {
        var rig = rig();
        String turn = say(rig, S1, "I live in Boston.", T);
        rig.clock().advance(Duration.ofMinutes(5));
        Instant at = rig.clock().instant();
        rig.loci().update(MAYA, turn, "I live in Chicago.");

        assertEquals(at, fact(rig, "boston").validTo(), "the replaced text's fact is closed at the update");
        Memory chicago = fact(rig, "chicago");
        assertNull(chicago.validTo());
        assertEquals(List.of(turn), chicago.sourceIds());
        assertTrue(profile(rig).contains("residence: chicago"));
    }

    @Test
    void assistantTurnsAndScopesWithoutAUserMakeNoProfile() {
        var rig = rig();
        rig.loci().remember(S1, List.of(Message.of("Assistant", "I live in the cloud.", T).withRole("assistant")));
        assertTrue(facts(rig).isEmpty(), "an assistant speaks about the user, not for them");

        Scope team = Scope.tenant("acme").withSession("standup");
        rig.loci().remember(team, List.of(Message.of("Omar", "I live in Cairo.", T)));
        var all = rig.store().list(new SearchFilter(Scope.tenant("acme"), Set.of(Kind.FACT, Kind.PROFILE), null,
                Map.of()), 10);
        assertEquals(List.of(Kind.FACT), all.stream().map(Memory::kind).toList(), "a fact, but no user to profile");
    }

    @Test
    void aFailingExtractorCostsTheFactsButNeverTheTurns() {
        var store = new dev.loci.testkit.InMemoryStore();
        var loci = LociEngine.builder().embedder(new dev.loci.testkit.HashingEmbedder()).store(store)
                .clock(new dev.loci.testkit.ManualClock(T)).random(new java.util.Random(5))
                .extractor((text, speaker, at) -> {
                    throw new IllegalStateException("extractor down");
                }).build();
        var ids = loci.remember(S1, List.of(Message.of("Maya", "I live in Boston.", T))).ids();
        assertTrue(loci.get(MAYA, ids.get(0)).isPresent(), "the turn is stored");
        assertEquals(0, store.count(new SearchFilter(MAYA, Set.of(Kind.FACT), null, Map.of())));
    }

    @Test
    void factsCanBeTurnedOff() {
        var config = LociConfig.defaults();
        var rig = Rig.create(5, config.withConsolidation(config.consolidation().withFacts(false)));
        say(rig, S1, "I live in Boston.", T);
        assertTrue(facts(rig).isEmpty());
        assertFalse(profile(rig).contains("About the user:"));
    }
}
