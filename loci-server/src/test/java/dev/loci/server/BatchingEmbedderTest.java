package dev.loci.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.InvalidInputException;
import dev.loci.LociException;
import dev.loci.spi.Embedder;
import dev.loci.spi.Embedding;
import dev.loci.testkit.HashingEmbedder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The batcher over a fake embedder that records every batch it is given and can hold a batch
 * until the test lets it go, so which calls share a batch is decided by latches, never by timing.
 */
class BatchingEmbedderTest {
    private static final Duration FOREVER = Duration.ofHours(1);

    /** HashingEmbedder vectors; records batch sizes; the n-th batch may be held at a gate or made to fail. */
    static final class CountingEmbedder implements Embedder {
        final HashingEmbedder real = new HashingEmbedder();
        final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        final Semaphore entered = new Semaphore(0);
        volatile CountDownLatch gate = new CountDownLatch(0);
        volatile RuntimeException failWith;
        volatile boolean closed;

        @Override
        public int dimensions() {
            return real.dimensions();
        }

        @Override
        public String modelId() {
            return "counting";
        }

        @Override
        public List<Embedding> embedDocuments(List<String> texts) {
            batchSizes.add(texts.size());
            entered.release();
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            if (failWith != null) {
                throw failWith;
            }
            for (int i = 0; i < texts.size(); i++) {
                if (texts.get(i).isBlank()) {
                    throw new InvalidInputException("texts[" + i + "]", "must not be blank");
                }
            }
            return real.embedDocuments(texts);
        }

        @Override
        public Embedding embedQuery(String text) {
            return real.embedQuery(text);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final CountingEmbedder fake = new CountingEmbedder();
    private BatchingEmbedder batcher;

    @AfterEach
    void close() {
        fake.gate = new CountDownLatch(0);
        if (batcher != null) {
            batcher.close();
        }
    }

    private static <T> CompletableFuture<T> async(Supplier<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                f.complete(call.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /** Holds the next batch at the gate once it reaches the fake; returns the gate to open. */
    private CountDownLatch holdNextBatch() {
        CountDownLatch gate = new CountDownLatch(1);
        fake.gate = gate;
        return gate;
    }

    private void awaitQueued(int n) {
        while (batcher.queued() < n) {
            Thread.onSpinWait();
        }
    }

    /**
     * Starts one call, waits until the fake holds it, then queues {@code others} behind it in their
     * order: each is started only once the one before is queued, since threads started in order may
     * still reach the queue in any order.
     */
    private List<CompletableFuture<List<Embedding>>> queueBehindAHeldBatch(List<List<String>> others)
            throws InterruptedException {
        var first = async(() -> batcher.embedDocuments(List.of("first")));
        fake.entered.acquire();
        List<CompletableFuture<List<Embedding>>> calls = new ArrayList<>();
        calls.add(first);
        for (List<String> texts : others) {
            calls.add(async(() -> batcher.embedDocuments(texts)));
            awaitQueued(calls.size() - 1);
        }
        return calls;
    }

    @Test
    void aSingleCallOnAnIdleEmbedderIsNotKeptWaiting() {
        batcher = BatchingEmbedder.wrap(fake, new BatchingEmbedder.Config(FOREVER, 64));
        // maxWait is an hour: returning at all shows an idle, single call does not wait for company
        List<Embedding> v = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> batcher.embedDocuments(List.of("hello there")));
        assertEquals(fake.real.embedDocuments(List.of("hello there")), v);
        assertEquals(List.of(1), fake.batchSizes);
    }

    @Test
    void callsThatArriveDuringABatchShareTheNextOneAndEachGetsItsOwnVectors() throws Exception {
        batcher = BatchingEmbedder.wrap(fake, new BatchingEmbedder.Config(Duration.ZERO, 64));
        CountDownLatch gate = holdNextBatch();
        var calls = queueBehindAHeldBatch(List.of(List.of("a1", "a2"), List.of("b1"), List.of("c1", "c2", "c3")));
        gate.countDown();
        assertEquals(fake.real.embedDocuments(List.of("a1", "a2")), calls.get(1).get());
        assertEquals(fake.real.embedDocuments(List.of("b1")), calls.get(2).get());
        assertEquals(fake.real.embedDocuments(List.of("c1", "c2", "c3")), calls.get(3).get());
        assertEquals(List.of(1, 6), fake.batchSizes);
        assertEquals(new BatchingEmbedder.Counts(2, 4, 7), batcher.counts());
    }

    @Test
    void aBatchStopsGatheringAtMaxTexts() throws Exception {
        batcher = BatchingEmbedder.wrap(fake, new BatchingEmbedder.Config(Duration.ZERO, 3));
        CountDownLatch gate = holdNextBatch();
        var calls = queueBehindAHeldBatch(List.of(List.of("a1", "a2"), List.of("b1", "b2"), List.of("c1")));
        gate.countDown();
        for (var c : calls) {
            c.get();
        }
        assertEquals(List.of(1, 4, 1), fake.batchSizes, "a1 a2 + b1 b2 reach 3 texts; c1 goes next");
    }

    @Test
    void underConcurrentLoadABatchWaitsForMoreCalls() throws Exception {
        batcher = BatchingEmbedder.wrap(fake, new BatchingEmbedder.Config(FOREVER, 4));
        CountDownLatch gate = holdNextBatch();
        var warm = queueBehindAHeldBatch(List.of(List.of("x"), List.of("y")));
        gate.countDown();
        for (var c : warm) {
            c.get(); // batches [1] and [2]: the last gathered two calls, so the next one waits
        }
        var e = async(() -> batcher.embedDocuments(List.of("e")));
        var f = async(() -> batcher.embedDocuments(List.of("f")));
        var g = async(() -> batcher.embedDocuments(List.of("g", "h")));
        e.get();
        f.get();
        g.get();
        assertEquals(List.of(1, 2, 4), fake.batchSizes, "e, f and g+h gathered up to maxTexts = 4");
    }

    @Test
    void aFailureReachesEveryCallerOfTheBatch() throws Exception {
        batcher = BatchingEmbedder.wrap(fake, new BatchingEmbedder.Config(Duration.ZERO, 64));
        CountDownLatch gate = holdNextBatch();
        var calls = queueBehindAHeldBatch(List.of(List.of("a"), List.of("b"), List.of("c")));
        RuntimeException boom = new LociException("model crashed");
        fake.failWith = boom;
        gate.countDown();
        for (var c : calls) {
            var thrown = assertThrows(Exception.class, c::get);
            assertSame(boom, thrown.getCause());
        }
        assertEquals(List.of(1, 3), fake.batchSizes);
    }

    @Test
    void invalidInputFailsOnlyTheCallerWhoseTextWasBad() throws Exception {
        batcher = BatchingEmbedder.wrap(fake, new BatchingEmbedder.Config(Duration.ZERO, 64));
        CountDownLatch gate = holdNextBatch();
        var calls = queueBehindAHeldBatch(List.of(List.of("a"), List.of("b", " "), List.of("c")));
        gate.countDown();
        assertEquals(fake.real.embedDocuments(List.of("a")), calls.get(1).get());
        var thrown = assertThrows(Exception.class, () -> calls.get(2).get());
        assertTrue(thrown.getCause() instanceof InvalidInputException e && e.getMessage().contains("texts[1]"),
                "its own index: " + thrown.getCause());
        assertEquals(fake.real.embedDocuments(List.of("c")), calls.get(3).get());
    }

    @Test
    void closeEmbedsWhatIsQueuedRefusesNewCallsThenClosesTheModel() throws Exception {
        batcher = BatchingEmbedder.wrap(fake, new BatchingEmbedder.Config(Duration.ZERO, 64));
        CountDownLatch gate = holdNextBatch();
        var calls = queueBehindAHeldBatch(List.of(List.of("a"), List.of("b")));
        var closing = async(() -> {
            batcher.close();
            return fake.closed;
        });
        while (!batcher.isClosed()) {
            Thread.onSpinWait();
        }
        var late = assertThrows(LociException.class, () -> batcher.embedDocuments(List.of("late")));
        assertTrue(late.getMessage().contains("closed"), late.getMessage());
        assertFalse(fake.closed, "the model closed before the queued calls were embedded");
        gate.countDown();
        for (var c : calls) {
            assertEquals(1, c.get().size());
        }
        assertTrue(closing.get());
        assertEquals(List.of(1, 2), fake.batchSizes);
    }

    @Test
    void withTwoInFlightASecondBatchReachesTheModelWhileTheFirstIsHeldAndLaterCallsShareTheNext() throws Exception {
        batcher = BatchingEmbedder.wrap(fake, new BatchingEmbedder.Config(Duration.ZERO, 64, 2));
        CountDownLatch gate = holdNextBatch();
        var first = async(() -> batcher.embedDocuments(List.of("first")));
        fake.entered.acquire();
        var second = async(() -> batcher.embedDocuments(List.of("second")));
        fake.entered.acquire(); // in the model although the first batch has not come back
        var third = async(() -> batcher.embedDocuments(List.of("t1")));
        awaitQueued(1);
        var fourth = async(() -> batcher.embedDocuments(List.of("f1", "f2")));
        awaitQueued(2); // both batches in flight: these wait, together
        assertEquals(List.of(1, 1), fake.batchSizes);
        gate.countDown();
        assertEquals(fake.real.embedDocuments(List.of("first")), first.get());
        assertEquals(fake.real.embedDocuments(List.of("second")), second.get());
        assertEquals(fake.real.embedDocuments(List.of("t1")), third.get());
        assertEquals(fake.real.embedDocuments(List.of("f1", "f2")), fourth.get());
        assertEquals(List.of(1, 1, 3), fake.batchSizes);
        assertEquals(new BatchingEmbedder.Counts(3, 4, 5), batcher.counts());
    }

    @Test
    void closeWaitsForEveryBatchInFlightBeforeClosingTheModel() throws Exception {
        batcher = BatchingEmbedder.wrap(fake, new BatchingEmbedder.Config(Duration.ZERO, 64, 2));
        CountDownLatch gate = holdNextBatch();
        var first = async(() -> batcher.embedDocuments(List.of("first")));
        fake.entered.acquire();
        var second = async(() -> batcher.embedDocuments(List.of("second")));
        fake.entered.acquire();
        var queued = async(() -> batcher.embedDocuments(List.of("queued")));
        awaitQueued(1);
        var closing = async(() -> {
            batcher.close();
            return fake.closed;
        });
        while (!batcher.isClosed()) {
            Thread.onSpinWait();
        }
        assertFalse(fake.closed, "the model closed with two batches still in it");
        gate.countDown();
        assertEquals(1, first.get().size());
        assertEquals(1, second.get().size());
        assertEquals(1, queued.get().size());
        assertTrue(closing.get(), "close returned before closing the model");
        assertEquals(List.of(1, 1, 1), fake.batchSizes);
    }

    @Test
    void closeStillReturnsAfterTheBatchingThreadWasInterruptedWhileWaitingForCalls() throws Exception {
        batcher = BatchingEmbedder.wrap(fake, new BatchingEmbedder.Config(Duration.ZERO, 64, 2));
        batcher.embedDocuments(List.of("warm")); // the dispatcher is now waiting for the next call, a slot taken
        Thread dispatcher = null;
        while (dispatcher == null) {
            dispatcher = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("loci-embed-batcher") && t.isAlive()
                            && t.getState() == Thread.State.WAITING)
                    .findFirst().orElse(null);
        }
        dispatcher.interrupt();
        dispatcher.join(5_000);
        BatchingEmbedder interrupted = batcher;
        batcher = null; // closed here, within a time limit, not after the test where it could hang
        assertFalse(dispatcher.isAlive(), "the batching thread did not end after its interrupt");
        assertTimeoutPreemptively(Duration.ofSeconds(5), interrupted::close);
        assertTrue(fake.closed);
    }

    @Test
    void aConfigOutsideItsRangeIsRefusedNamingTheField() {
        var e = assertThrows(InvalidInputException.class, () -> new BatchingEmbedder.Config(Duration.ZERO, 64, 0));
        assertTrue(e.getMessage().contains("maxInFlight"), e.getMessage());
    }

    @Test
    void queriesGoStraightThrough() {
        batcher = BatchingEmbedder.wrap(fake, BatchingEmbedder.Config.defaults());
        assertEquals(fake.real.embedQuery("q"), batcher.embedQuery("q"));
        assertEquals(List.of(), fake.batchSizes);
    }
}
