package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Eight writers remember 200 messages each in batches of 10 while readers recall without pause;
 * afterwards every message is stored exactly once and a concurrent replay adds nothing.
 */
class ConcurrencyTest {
    private static final int WRITERS = 8;
    private static final int READERS = 3;
    private static final int PER_WRITER = 200;
    private static final int BATCH = 10;
    private static final String[] TOPICS = {"violin", "lisbon", "garden", "marathon", "cat", "cake", "train"};

    private final Rig rig = Rig.create(5);
    private final Loci loci = rig.loci();
    private final ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();

    @AfterEach
    void shutdown() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "threads did not stop");
    }

    private static Scope scopeOf(int writer) {
        return Scope.user("acme", "u" + writer % 4);
    }

    private static Message message(int writer, int i) {
        return Message.of("w" + writer, "writer " + writer + " message " + i + " about " + TOPICS[i % TOPICS.length],
                null).withClientId("w" + writer + "-" + i);
    }

    /** Each writer remembers its messages in batches; returns its ids and the sum of added counts. */
    private List<Future<List<String>>> writeAll(CountDownLatch start, AtomicInteger added, AtomicInteger skipped) {
        var futures = new ArrayList<Future<List<String>>>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            futures.add(pool.submit(() -> {
                var ids = new ArrayList<String>();
                try {
                    start.await();
                    for (int from = 0; from < PER_WRITER; from += BATCH) {
                        var batch = new ArrayList<Message>();
                        for (int i = from; i < from + BATCH; i++) {
                            batch.add(message(writer, i));
                        }
                        RememberResult r = loci.remember(scopeOf(writer), batch);
                        added.addAndGet(r.added());
                        skipped.addAndGet(r.skipped());
                        ids.addAll(r.ids());
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
                return ids;
            }));
        }
        return futures;
    }

    private List<Future<Integer>> readUntil(AtomicBoolean done, CountDownLatch start) {
        var futures = new ArrayList<Future<Integer>>();
        for (int r = 0; r < READERS; r++) {
            int reader = r;
            futures.add(pool.submit(() -> {
                int recalls = 0;
                try {
                    start.await();
                    while (!done.get() || recalls == 0) {
                        Scope scope = scopeOf(reader + recalls);
                        var result = loci.recall(scope, RecallQuery.of(TOPICS[recalls % TOPICS.length]).withK(20));
                        for (Recalled x : result.results()) {
                            if (!scope.covers(x.memory().scope())) {
                                throw new AssertionError(x.memory().scope() + " recalled in " + scope);
                            }
                        }
                        loci.stats();
                        recalls++;
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
                return recalls;
            }));
        }
        return futures;
    }

    @Test
    void concurrentRememberAndRecallStoreEverythingOnce() throws Exception {
        var start = new CountDownLatch(1);
        var done = new AtomicBoolean();
        var added = new AtomicInteger();
        var skipped = new AtomicInteger();
        var writers = writeAll(start, added, skipped);
        var readers = readUntil(done, start);
        start.countDown();
        var idsPerWriter = new ArrayList<List<String>>();
        for (var f : writers) {
            idsPerWriter.add(f.get(60, TimeUnit.SECONDS));
        }
        done.set(true);
        int recalls = 0;
        for (var f : readers) {
            recalls += f.get(60, TimeUnit.SECONDS);
        }
        assertTrue(failures.isEmpty(), () -> "failures in threads: " + failures);
        assertTrue(recalls >= READERS, "readers ran");

        int total = WRITERS * PER_WRITER;
        assertEquals(total, added.get());
        assertEquals(0, skipped.get());
        assertEquals(total, loci.stats().memories());
        var allIds = new HashSet<String>();
        for (int w = 0; w < WRITERS; w++) {
            List<String> ids = idsPerWriter.get(w);
            assertEquals(PER_WRITER, ids.size());
            for (int i = 0; i < PER_WRITER; i++) {
                Memory m = loci.get(scopeOf(w), ids.get(i)).orElseThrow();
                assertEquals(message(w, i).text(), m.text());
                assertEquals("w" + w + "-" + i, m.clientId());
                allIds.add(ids.get(i));
            }
        }
        assertEquals(total, allIds.size(), "every message has its own memory");

        // replay everything concurrently: all skipped, nothing embedded, same ids
        int embedCalls = rig.embedder().documentCalls();
        var replayAdded = new AtomicInteger();
        var replaySkipped = new AtomicInteger();
        var replayStart = new CountDownLatch(1);
        var replay = writeAll(replayStart, replayAdded, replaySkipped);
        replayStart.countDown();
        for (int w = 0; w < WRITERS; w++) {
            assertEquals(idsPerWriter.get(w), replay.get(w).get(60, TimeUnit.SECONDS), "replay gives the same ids");
        }
        assertTrue(failures.isEmpty(), () -> "failures in replay: " + failures);
        assertEquals(0, replayAdded.get());
        assertEquals(total, replaySkipped.get());
        assertEquals(total, loci.stats().memories());
        assertEquals(embedCalls, rig.embedder().documentCalls(), "skipped messages are not embedded");
    }

    /** Threads racing to remember the very same client ids store and count each one once. */
    @Test
    void racingOnTheSameClientIdsCountsEachOnce() throws Exception {
        var scope = Scope.user("acme", "race");
        List<Message> shared = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            shared.add(Message.of("x", "shared message " + i, null).withClientId("shared-" + i));
        }
        var start = new CountDownLatch(1);
        var futures = new ArrayList<Future<Integer>>();
        for (int t = 0; t < 4; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                int added = 0;
                for (int from = 0; from < shared.size(); from += BATCH) {
                    added += loci.remember(scope, shared.subList(from, from + BATCH)).added();
                }
                return added;
            }));
        }
        start.countDown();
        int total = 0;
        for (var f : futures) {
            total += f.get(60, TimeUnit.SECONDS);
        }
        assertEquals(200, total, "each shared client id is added exactly once across all threads");
    }
}
