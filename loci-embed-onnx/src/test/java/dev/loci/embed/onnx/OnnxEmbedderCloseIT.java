package dev.loci.embed.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Closing while other threads embed: close waits for the native runs in flight (a crash here is
 * a SIGSEGV that kills the test JVM), and every call after close fails with EmbeddingException.
 */
class OnnxEmbedderCloseIT {
    @Test
    void closeUnderLoadWaitsForRunsThenRefusesCalls() throws Exception {
        for (int round = 0; round < 3; round++) {
            OnnxEmbedder e = OnnxEmbedder.create(OnnxEmbedderConfig.defaults());
            List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger done = new AtomicInteger();
            CountDownLatch started = new CountDownLatch(4);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread th = new Thread(() -> {
                    started.countDown();
                    List<String> texts = new ArrayList<>();
                    for (int i = 0; i < 64; i++) {
                        texts.add("sentence number " + i + " about a greyhound called Biscuit who likes long walks");
                    }
                    while (true) {
                        try {
                            e.embedDocuments(texts);
                            done.incrementAndGet();
                        } catch (EmbeddingException closed) {
                            return;
                        } catch (Throwable other) {
                            unexpected.add(other);
                            return;
                        }
                    }
                });
                th.start();
                threads.add(th);
            }
            started.await();
            Thread.sleep(50L + 100L * round);
            e.close();
            for (Thread th : threads) {
                th.join(60_000);
            }
            assertTrue(unexpected.isEmpty(), () -> "only EmbeddingException after close: " + unexpected);
            assertThrows(EmbeddingException.class, () -> e.embedQuery("after close"));
            assertThrows(EmbeddingException.class, () -> e.countTokens("after close"));
            e.close(); // idempotent
        }
    }
}
