package dev.loci;

import dev.loci.engine.LociEngine;
import static dev.loci.Rig.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchHits;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.StoreHit;
import dev.loci.testkit.TestMemories;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Recall through the facade: the fused order, the per-signal explanation, k and the filters. */
class RecallExplainTest {
    private static final Scope ANNA = Scope.user("acme", "anna");
    private static final String[] TEXTS = {
        "I started violin lessons last month with a new teacher",
        "My violin teacher says I should practice scales every day",
        "We adopted a cat named Pixel from the shelter",
        "Pixel the cat keeps knocking plants off the shelf",
        "I am planning a trip to Lisbon in the spring",
        "The flight to Lisbon leaves early on Friday",
        "My sister is getting married in June",
        "I ran my first half marathon in two hours",
        "Marathon training means long runs every Sunday",
        "I switched jobs and now work as a data engineer",
        "The new job has a long commute by train",
        "I baked a chocolate cake for my mother's birthday",
        "The garden tomatoes are finally ripe",
        "I keep forgetting to water the garden plants",
        "Reading a novel about a lighthouse keeper",
        "My doctor said my blood pressure is fine",
        "We watched a documentary about octopus intelligence",
        "I want to learn Portuguese before the Lisbon trip",
        "The violin concert in the park was lovely",
        "My brother fixed his old bicycle",
    };

    private final Rig rig = Rig.create(11);
    private final LociEngine loci = rig.loci();
    private final List<String> ids = new ArrayList<>();

    @BeforeEach
    void remember() {
        var messages = new ArrayList<Message>();
        for (int i = 0; i < TEXTS.length; i++) {
            messages.add(new Message("user", "Anna", TEXTS[i], day(i), "c" + i,
                    Map.of("channel", i % 3 == 0 ? "email" : "chat")));
        }
        ids.addAll(loci.remember(ANNA, messages).ids());
        // someone else's violin memory must never show up
        loci.remember(Scope.user("acme", "ben"), List.of(Message.of("Ben", "violin lessons violin teacher", null)));
    }

    private static Instant day(int i) {
        return T0.plus(Duration.ofDays(i));
    }

    private SearchHits storeHits(Scope scope, String text, int topN) {
        return rig.store().search(new SearchRequest(SearchFilter.of(scope), text, rig.embedder().embedQuery(text),
                topN, topN));
    }

    private static List<String> resultIds(RecallResult r) {
        return r.results().stream().map(x -> x.memory().id()).toList();
    }

    @Test
    void theMatchingMemoryRanksFirstFoundByBothSignals() {
        RecallResult r = loci.recall(ANNA, RecallQuery.of("violin lessons teacher"));
        Recalled top = r.results().get(0);
        assertTrue(top.memory().text().contains("violin"), top.memory().text());
        assertTrue(top.signal(Signal.BM25).isPresent(), "bm25 explains the top hit");
        assertTrue(top.signal(Signal.DENSE).isPresent(), "dense explains the top hit");
        assertTrue(top.signal(Signal.BM25).orElseThrow().score() > 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"violin lessons teacher", "trip to Lisbon", "cat Pixel", "garden plants", "marathon"})
    void scoresAreSumsOfContributionsInDescendingOrder(String query) {
        RecallResult r = loci.recall(ANNA, RecallQuery.of(query).withK(RecallQuery.MAX_K));
        assertFalse(r.results().isEmpty());
        for (int i = 0; i < r.results().size(); i++) {
            Recalled x = r.results().get(i);
            assertFalse(x.signals().isEmpty(), "every result was found by some signal");
            double sum = 0;
            for (Signal s : x.signals()) {
                assertTrue(s.rank() >= 1);
                assertEquals(1.0 / (60 + s.rank()), s.contribution(), 1e-15, "default weight 1, k 60");
                sum += s.contribution();
            }
            assertEquals(sum, x.score(), 1e-12);
            if (i > 0) {
                assertTrue(r.results().get(i - 1).score() >= x.score(), "descending at " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"violin lessons teacher", "trip to Lisbon", "Pixel", "long runs", "bicycle"})
    void signalsReportTheStoresRanksAndScores(String query) {
        SearchHits hits = storeHits(ANNA, query, 100);
        RecallResult r = loci.recall(ANNA, RecallQuery.of(query).withK(RecallQuery.MAX_K));
        var union = new LinkedHashSet<String>();
        hits.lexical().forEach(h -> union.add(h.id()));
        hits.dense().forEach(h -> union.add(h.id()));
        assertEquals(union, Set.copyOf(resultIds(r)), "every candidate is fused, nothing else");
        for (Recalled x : r.results()) {
            checkSignal(x, Signal.BM25, hits.lexical());
            checkSignal(x, Signal.DENSE, hits.dense());
        }
    }

    private static void checkSignal(Recalled x, String name, List<StoreHit> list) {
        int position = -1;
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).id().equals(x.memory().id())) {
                position = i;
            }
        }
        if (position < 0) {
            assertTrue(x.signal(name).isEmpty(), name + " did not find " + x.memory().id());
            return;
        }
        Signal s = x.signal(name).orElseThrow(() -> new AssertionError(name + " missing for " + x.memory().id()));
        assertEquals(position + 1, s.rank(), name + " rank");
        assertEquals(list.get(position).score(), s.score(), name + " raw score");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 20, 21, 1000})
    void kIsRespectedAndAPrefixOfTheFullList(int k) {
        List<String> all = resultIds(loci.recall(ANNA, RecallQuery.of("violin cat Lisbon").withK(1000)));
        assertEquals(TEXTS.length, all.size(), "dense finds every memory in scope");
        List<String> top = resultIds(loci.recall(ANNA, RecallQuery.of("violin cat Lisbon").withK(k)));
        assertEquals(Math.min(k, all.size()), top.size());
        assertEquals(all.subList(0, top.size()), top);
    }

    @Test
    void lexicalOnlyUsesOnlyBm25() {
        var config = loci.config().recall().lexicalOnly();
        RecallResult r = loci.recall(ANNA, RecallQuery.of("violin").withK(100), config);
        SearchHits hits = storeHits(ANNA, "violin", 100);
        assertEquals(hits.lexical().stream().map(h -> h.id()).toList(), resultIds(r),
                "with one list, fusion keeps its order");
        assertEquals(3, r.results().size(), "only the three violin memories match the word");
        for (Recalled x : r.results()) {
            assertEquals(List.of(Signal.BM25), x.signals().stream().map(Signal::name).toList());
        }
    }

    @Test
    void denseOnlyUsesOnlyDense() {
        var config = loci.config().recall().denseOnly();
        RecallResult r = loci.recall(ANNA, RecallQuery.of("violin").withK(100), config);
        assertEquals(TEXTS.length, r.results().size(), "exact kNN ranks everything in scope");
        assertEquals(storeHits(ANNA, "violin", 100).dense().stream().map(h -> h.id()).toList(), resultIds(r));
        for (Recalled x : r.results()) {
            assertEquals(List.of(Signal.DENSE), x.signals().stream().map(Signal::name).toList());
        }
    }

    @Test
    void perCallWeightsAndKAreApplied() {
        // lexicalFullAt 0: the store holds a handful of memories, where the default would shrink BM25's weight
        var config = RecallConfig.builder().fusion(RecallConfig.Fusion.RRF).rrfK(10).lexicalWeight(2.0)
                .denseWeight(0.5).lexicalFullAt(0).build();
        RecallResult r = loci.recall(ANNA, RecallQuery.of("violin teacher"), config);
        for (Recalled x : r.results()) {
            x.signal(Signal.BM25).ifPresent(s -> assertEquals(2.0 / (10 + s.rank()), s.contribution(), 1e-15));
            x.signal(Signal.DENSE).ifPresent(s -> assertEquals(0.5 / (10 + s.rank()), s.contribution(), 1e-15));
        }
        assertEquals(Rig.flat().recall(), loci.config().recall(), "per-call config is not kept");
    }

    @Test
    void kindFilter() {
        var fact = TestMemories.withKindAndMeta(
                TestMemories.turn("fact-1", ANNA, null, "Anna plays the violin", T0), Kind.FACT, Map.of());
        rig.store().write(List.of(TestMemories.stored(fact, rig.embedder())));

        RecallResult facts = loci.recall(ANNA, RecallQuery.of("violin").withKinds(Set.of(Kind.FACT)));
        assertEquals(List.of("fact-1"), resultIds(facts));

        RecallResult turns = loci.recall(ANNA, RecallQuery.of("violin").withK(100).withKinds(Set.of(Kind.TURN)));
        assertEquals(TEXTS.length, turns.results().size());
        assertTrue(turns.results().stream().allMatch(x -> x.memory().kind() == Kind.TURN));

        RecallResult any = loci.recall(ANNA, RecallQuery.of("violin").withK(100));
        assertFalse(resultIds(any).contains("fact-1"), "facts sit next to their turns: asked for by kind only");
        assertEquals(TEXTS.length, any.results().size());
    }

    @Test
    void timeFilterOnEventTime() {
        var range = new TimeRange(day(5), day(10));
        RecallResult r = loci.recall(ANNA, RecallQuery.of("Lisbon trip job").withK(100).withTimeRange(range));
        assertEquals(Set.copyOf(ids.subList(5, 10)), Set.copyOf(resultIds(r)), "exactly days 5..9");
        assertTrue(r.results().stream().allMatch(x -> range.contains(x.memory().occurredAt())));
    }

    @Test
    void metadataFilter() {
        RecallResult r = loci.recall(ANNA, RecallQuery.of("violin").withK(100).withMetadata(Map.of("channel", "email")));
        var expected = new LinkedHashSet<String>();
        for (int i = 0; i < ids.size(); i += 3) {
            expected.add(ids.get(i));
        }
        assertEquals(expected, Set.copyOf(resultIds(r)));
        assertTrue(loci.recall(ANNA, RecallQuery.of("violin").withMetadata(Map.of("channel", "fax"))).results()
                .isEmpty());
    }

    @Test
    void filtersCombine() {
        RecallResult r = loci.recall(ANNA, RecallQuery.of("violin").withK(100)
                .withMetadata(Map.of("channel", "email"))
                .withTimeRange(new TimeRange(day(0), day(12)))
                .withKinds(Set.of(Kind.TURN)));
        assertEquals(Set.of(ids.get(0), ids.get(3), ids.get(6), ids.get(9)), Set.copyOf(resultIds(r)));
    }
}
