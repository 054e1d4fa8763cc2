package dev.loci.embed.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loci.InvalidInputException;
import org.junit.jupiter.api.Test;

/** The recent-query cache: a repeated question skips the model and gets the same vector; old ones fall out. */
class OnnxQueryCacheIT {
    @Test
    void repeatedQueriesAreAnsweredFromTheCacheUntilPushedOut() {
        try (var e = OnnxEmbedder.create(OnnxEmbedderConfig.defaults().withQueryCacheSize(2))) {
            float[] first = e.embedQuery("When did Maya start the pottery class?").toArray();
            assertEquals(0, e.queryCacheHits());
            assertArrayEquals(first, e.embedQuery("When did Maya start the pottery class?").toArray());
            assertEquals(1, e.queryCacheHits());

            e.embedQuery("Where does Tom work?");
            e.embedQuery("What is Priya's dog called?"); // the cache holds two: the pottery question goes
            assertArrayEquals(first, e.embedQuery("When did Maya start the pottery class?").toArray(), 1e-6f);
            assertEquals(1, e.queryCacheHits(), "an evicted query runs the model again");
            e.embedQuery("What is Priya's dog called?");
            assertEquals(2, e.queryCacheHits());
        }
    }

    @Test
    void aCacheOfZeroRunsTheModelEveryTimeAndAClosedEmbedderRefusesEvenCachedQueries() {
        try (var e = OnnxEmbedder.create(OnnxEmbedderConfig.defaults().withQueryCacheSize(0))) {
            e.embedQuery("Where does Tom work?");
            e.embedQuery("Where does Tom work?");
            assertEquals(0, e.queryCacheHits());
        }
        var cached = OnnxEmbedder.create(OnnxEmbedderConfig.defaults());
        cached.embedQuery("Where does Tom work?");
        cached.close();
        assertThrows(EmbeddingException.class, () -> cached.embedQuery("Where does Tom work?"));
        assertThrows(InvalidInputException.class, () -> OnnxEmbedderConfig.defaults().withQueryCacheSize(-1));
    }
}
