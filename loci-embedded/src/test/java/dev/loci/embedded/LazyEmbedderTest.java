package dev.loci.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.InvalidInputException;
import dev.loci.embed.onnx.EmbeddingModel;
import dev.loci.embed.onnx.OnnxEmbedderConfig;
import dev.loci.spi.Embedder;
import dev.loci.spi.Embedding;
import dev.loci.testkit.HashingEmbedder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The model is loaded on the first embed, once, however many threads ask at once. */
class LazyEmbedderTest {
    private final AtomicInteger loads = new AtomicInteger();

    private LazyEmbedder lazy() {
        return new LazyEmbedder(OnnxEmbedderConfig.defaults(), c -> {
            loads.incrementAndGet();
            return new HashingEmbedder(c.model().dimensions());
        });
    }

    @Test
    void modelIdAndDimensionsNeedNoLoad() {
        try (LazyEmbedder e = lazy()) {
            assertEquals(EmbeddingModel.BGE_SMALL_EN_V15_Q.id(), e.modelId());
            assertEquals(384, e.dimensions());
            assertFalse(e.isLoaded());
        }
        assertEquals(0, loads.get(), "closing an unused embedder loads nothing");
    }

    @Test
    void concurrentFirstCallsLoadOnce() throws Exception {
        try (LazyEmbedder e = lazy(); var pool = Executors.newFixedThreadPool(8)) {
            var start = new CountDownLatch(1);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return n % 2 == 0 ? e.embedQuery("q" + n).dimensions()
                            : e.embedDocuments(List.of("d" + n)).get(0).dimensions();
                }));
            }
            start.countDown();
            for (var f : futures) {
                assertEquals(384, f.get());
            }
            assertTrue(e.isLoaded());
        }
        assertEquals(1, loads.get());
    }

    @Test
    void refusesToLoadAfterClose() {
        LazyEmbedder e = lazy();
        e.close();
        assertThrows(InvalidInputException.class, () -> e.embedQuery("anything"));
        assertEquals(0, loads.get());
    }

    @Test
    void preloadLoadsInTheBackgroundOnce() {
        try (LazyEmbedder e = lazy()) {
            e.preload();
            e.preload();
            assertEquals(384, e.embedQuery("q").dimensions());
            assertTrue(e.isLoaded());
        }
        assertEquals(1, loads.get());
    }

    @Test
    void closingDuringABackgroundLoadReleasesWhatItMakes() throws Exception {
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var closedModels = new AtomicInteger();
        LazyEmbedder e = new LazyEmbedder(OnnxEmbedderConfig.defaults(), c -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            var inner = new HashingEmbedder(384);
            return new Embedder() {
                @Override
                public int dimensions() {
                    return inner.dimensions();
                }

                @Override
                public String modelId() {
                    return inner.modelId();
                }

                @Override
                public List<Embedding> embedDocuments(List<String> texts) {
                    return inner.embedDocuments(texts);
                }

                @Override
                public Embedding embedQuery(String text) {
                    return inner.embedQuery(text);
                }

                @Override
                public void close() {
                    closedModels.incrementAndGet();
                }
            };
        });
        e.preload();
        started.await();
        Thread closer = Thread.ofPlatform().start(e::close);
        closer.join(200);
        assertTrue(closer.isAlive(), "close waits for the load under way (it is in native code)");
        release.countDown();
        closer.join(10_000);
        assertEquals(1, closedModels.get(), "the model loaded after close is closed before close returns");
        assertThrows(InvalidInputException.class, () -> e.embedQuery("anything"));
    }
}
