package dev.loci.internal.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.RecallConfig;
import dev.loci.RecallQuery;
import dev.loci.Recalled;
import dev.loci.Scope;
import dev.loci.Signal;
import dev.loci.spi.Embedding;
import dev.loci.spi.StoreHit;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BM25's say shrinks with the number of memories in reach, smoothly, and is whole from {@code lexicalFullAt} on. */
class LexicalShareTest {
    private static final Scope USER = Scope.user("t", "u");
    private static final Instant T = Instant.parse("2024-05-10T10:00:00Z");

    @Test
    void theShareGrowsWithTheLogOfTheStoresSize() {
        assertEquals(Math.log(13) / Math.log(301), RecallPipeline.lexicalShare(12, 300), 1e-12);
        assertEquals(0, RecallPipeline.lexicalShare(0, 300));
        assertEquals(1, RecallPipeline.lexicalShare(300, 300));
        assertEquals(1, RecallPipeline.lexicalShare(5_000, 300));
        double previous = 0;
        for (int n = 1; n <= 300; n++) {
            double share = RecallPipeline.lexicalShare(n, 300);
            assertTrue(share > previous && share <= 1, "rises with n, at " + n);
            previous = share;
        }
    }

    /** A store of {@code n} turns where BM25 and dense disagree about the best: "lex" by words, "vec" by meaning. */
    private static FakeStore store(int n) {
        var store = new FakeStore();
        List<StoreHit> lexical = new ArrayList<>();
        List<StoreHit> dense = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = i == 0 ? "lex" : i == 1 ? "vec" : "t" + i;
            store.add(Memory.builder().id(id).scope(USER).kind(Kind.TURN).speaker("Ben").text("turn " + i)
                    .occurredAt(T.plusSeconds(i)).recordedAt(T).build(), Embedding.of(new float[] {1, 0, 0}));
            lexical.add(new StoreHit(id, i == 0 ? 3.0 : i == 1 ? 1.0 : 0.5));
            dense.add(new StoreHit(id, i == 0 ? 0.70 : i == 1 ? 0.80 : 0.60));
        }
        store.hits(lexical, dense);
        return store;
    }

    private static List<Recalled> ask(FakeStore store, RecallConfig config) {
        return new RecallPipeline(store, store, Clock.fixed(T.plusSeconds(86_400), ZoneOffset.UTC))
                .recall(USER, RecallQuery.of("Where does Ben live?").withK(2), config.toBuilder().speakerWeight(0)
                        .periodWeight(0).build()).results();
    }

    private static double bm25(Recalled r) {
        return r.signals().stream().filter(s -> s.name().equals(Signal.BM25)).mapToDouble(Signal::contribution)
                .sum();
    }

    @Test
    void onATinyStoreDenseDecidesWhatBm25AloneWouldHaveDecided() {
        var tiny = store(8);
        // full weight: lex 1 + 0.5 (cosine 0.1 below the best on a 0.2 span) beats vec 1/3 + 1
        assertEquals("lex", ask(tiny, RecallConfig.builder().lexicalFullAt(0).build()).get(0).memory().id());
        List<Recalled> scaled = ask(tiny, RecallConfig.defaults());
        assertEquals("vec", scaled.get(0).memory().id(), "the default shrinks BM25's say below 100 memories");
        double share = RecallPipeline.lexicalShare(8, RecallConfig.DEFAULT_LEXICAL_FULL_AT);
        assertEquals(share / 3, bm25(scaled.get(0)), 1e-9, "BM25 over its top, times the share for 8 turns");
        assertEquals(0, tiny.countCalls, "a dense list shorter than asked for is the whole store: nothing to count");
    }

    @Test
    void aFullDenseListAsksTheStoreHowManyThereAre() {
        var store = store(20);
        store.count(150);
        var config = RecallConfig.builder().lexicalFullAt(300).denseTopN(20).lexicalTopN(20).build();
        List<Recalled> r = ask(store, config);
        assertEquals(1, store.countCalls);
        assertEquals(RecallPipeline.lexicalShare(150, 300), bm25(r.stream().filter(x -> x.memory().id().equals("lex"))
                .findFirst().orElseThrow()), 1e-9);
        store.count(300);
        assertEquals("lex", ask(store, config).get(0).memory().id(), "from 300 memories on, BM25 has its full say");
    }

    @Test
    void aDenseListAsLongAsTheFullSizeNeedsNoCount() {
        var store = store(20);
        var config = RecallConfig.builder().lexicalFullAt(20).denseTopN(20).lexicalTopN(20).build();
        assertEquals("lex", ask(store, config).get(0).memory().id());
        assertEquals(0, store.countCalls);
    }
}
