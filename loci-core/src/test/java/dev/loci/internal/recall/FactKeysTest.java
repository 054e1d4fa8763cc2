package dev.loci.internal.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.RecallConfig;
import dev.loci.RecallQuery;
import dev.loci.Recalled;
import dev.loci.Scope;
import dev.loci.spi.Embedding;
import dev.loci.spi.SearchHits;
import dev.loci.spi.StoreHit;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Facts as keys: a fact the question finds lifts the turn it was read from, on the turns' scale. */
class FactKeysTest {
    private static final Scope USER = Scope.user("t", "u");
    private static final Instant T = Instant.parse("2024-05-10T10:00:00Z");

    @Test
    void aFactIsScoredAsIfItHadBeenInTheTurnsLists() {
        var turns = new SearchHits(List.of(new StoreHit("t1", 4.0), new StoreHit("t2", 1.0)),
                List.of(new StoreHit("t1", 0.80), new StoreHit("t2", 0.50)));
        var facts = new SearchHits(List.of(new StoreHit("f1", 2.0), new StoreHit("f2", 6.0)),
                List.of(new StoreHit("f1", 0.70), new StoreHit("f3", 0.95)));
        Map<String, Double> scores = RecallPipeline.factScores(facts, turns, RecallConfig.defaults());
        assertEquals(0.5 + 0.5, scores.get("f1"), 1e-9, "BM25 over the turns' top; cosine 0.1 below on a 0.2 span");
        assertEquals(1.0, scores.get("f2"), 1e-9, "at most 1 from BM25, even above the turns' best");
        assertEquals(1.0, scores.get("f3"), 1e-9, "at most 1 from the cosine");
        var minMax = RecallPipeline.factScores(facts, turns, RecallConfig.builder().denseSpan(0).build());
        assertEquals(0.5 + (0.70 - 0.50) / 0.30, minMax.get("f1"), 1e-9, "min-max over the turns' range");
    }

    private static List<Recalled> ask(double weight) {
        var store = new FakeStore();
        var unit = Embedding.of(new float[] {1, 0, 0});
        store.add(turn("answer", "Pat: I said goodbye to the bakery and started at the city library", 0), unit);
        store.add(turn("words", "Pat: where does the bread go, work is work", 1), unit);
        store.add(turn("other", "Pat: the weather at work", 2), unit);
        store.add(Memory.builder().id("fact").scope(USER.withSession("s0")).kind(Kind.FACT)
                .text("Pat works at the city library").sourceIds(List.of("answer")).occurredAt(T).recordedAt(T)
                .build(), unit);
        store.add(Memory.builder().id("weak").scope(USER.withSession("s2")).kind(Kind.FACT)
                .text("Pat talks about the weather").sourceIds(List.of("other")).occurredAt(T).recordedAt(T)
                .build(), unit);
        // the turns' search sees "words" and "other"; the facts' search "fact" (2.4 of the turns' top 3) and "weak"
        store.hits(List.of(new StoreHit("words", 3.0), new StoreHit("fact", 2.4), new StoreHit("other", 2.0),
                new StoreHit("weak", 0.3)), List.of());
        var config = RecallConfig.builder().denseTopN(0).speakerWeight(0).periodWeight(0).supersededFactor(1)
                .lexicalFullAt(0).sessionWeight(0).factWeight(weight).build();
        return new RecallPipeline(store, store, Clock.fixed(T.plusSeconds(86_400), ZoneOffset.UTC))
                .recall(USER, RecallQuery.of("Where does Pat work?").withK(3), config).results();
    }

    private static Memory turn(String id, String text, int i) {
        return Memory.builder().id(id).scope(USER.withSession("s" + i)).kind(Kind.TURN).text(text)
                .occurredAt(T.plusSeconds(i)).recordedAt(T).build();
    }

    @Test
    void theTurnAFactWasReadFromEntersAtTheFactsScoreAndAWeakFactLiftsNothing() {
        assertEquals(List.of("words", "other"), ask(0).stream().map(r -> r.memory().id()).toList());
        List<Recalled> on = ask(1.0);
        assertEquals(List.of("words", "answer", "other"), on.stream().map(r -> r.memory().id()).toList());
        assertEquals(0.8, on.get(1).score(), 1e-9, "the fact's BM25 over the turns' top BM25");
        assertTrue(on.get(2).signals().stream().noneMatch(s -> s.name().equals(RecallPipeline.FACT)),
                "a fact scoring below its turn's own score changes nothing");
        assertTrue(on.stream().noneMatch(r -> r.memory().kind() == Kind.FACT), "facts are keys, not results");
    }
}
