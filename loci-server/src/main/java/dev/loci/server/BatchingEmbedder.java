package dev.loci.server;

import dev.loci.InvalidInputException;
import dev.loci.LociException;
import dev.loci.spi.Embedder;
import dev.loci.spi.Embedding;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link Embedder} that embeds the documents of concurrent calls together: requests that arrive
 * while the embedder is busy wait and then go in the next batch, one call to the wrapped embedder,
 * and each caller gets back its own vectors. A model runs a batch of n texts in far less than n
 * times one text, so under concurrent load (a server's remember requests) this raises ingest
 * throughput toward the embedder's batched rate. Up to {@link Config#maxInFlight()} batches are
 * with the wrapped embedder at once: the next one gathers while one is embedded and queues for the
 * model's workers, so a worker that finishes its share of a batch early starts on the next instead
 * of idling until the batch's slowest share is done.
 *
 * <p><b>When it waits.</b> A call that finds the embedder idle, after a batch of a single call, is
 * embedded at once: one client alone pays no latency. After a batch that gathered several calls
 * (concurrent load), the next batch waits up to {@link Config#maxWait()} for more calls, until it
 * holds {@link Config#maxTexts()} texts. Queries are not batched: {@link #embedQuery} goes straight
 * to the wrapped embedder (recall latency matters more than its throughput, and the port has no
 * batch of queries).
 *
 * <p><b>Failures.</b> When the wrapped embedder throws, every caller of that batch gets the
 * exception, except for invalid input ({@link InvalidInputException}): then each call of the batch
 * is embedded alone, so only the caller whose text was bad fails, with its own index in the message.
 *
 * <p><b>Determinism.</b> With quantized models a text's vector depends very slightly on what it is
 * batched with (mean cosine about 0.996 between batch 1 and batch 32); batching across calls makes
 * that depend on the timing of other requests. Turn it off where vectors must be reproducible.
 *
 * <p>{@link #close()} refuses new calls, embeds every call already queued, then closes the wrapped
 * embedder. Thread-safe. Generic (nothing here is about HTTP); it lives in the server because the
 * server is the one place with concurrent callers today.
 */
public final class BatchingEmbedder implements Embedder {
    private static final System.Logger LOG = System.getLogger(BatchingEmbedder.class.getName());

    /**
     * How calls are gathered.
     *
     * @param maxWait     the longest a batch waits for more calls under concurrent load (default 2 ms;
     *                    zero: only calls already queued are gathered)
     * @param maxTexts    a batch stops gathering once it holds this many texts (default 64); a single
     *                    call with more is still embedded whole
     * @param maxInFlight batches handed to the wrapped embedder at once (default 2): while one is
     *                    embedded the next gathers and follows it, so the model's workers never wait
     *                    for the slowest part of a batch before starting on the next; 1 embeds one
     *                    batch at a time, and calls arriving meanwhile wait for it to end
     */
    public record Config(Duration maxWait, int maxTexts, int maxInFlight) {
        public Config {
            if (maxWait == null || maxWait.isNegative()) {
                throw new InvalidInputException("maxWait", "must be a duration >= 0, was " + maxWait);
            }
            if (maxTexts < 1) {
                throw new InvalidInputException("maxTexts", "must be >= 1, was " + maxTexts);
            }
            if (maxInFlight < 1 || maxInFlight > 64) {
                throw new InvalidInputException("maxInFlight", "must be 1..64, was " + maxInFlight);
            }
        }

        /** One batch at a time. */
        public Config(Duration maxWait, int maxTexts) {
            this(maxWait, maxTexts, 1);
        }

        /** 2 ms, 64 texts, 2 batches in flight. */
        public static Config defaults() {
            return new Config(Duration.ofMillis(2), 64, 2);
        }
    }

    /** Counters since the embedder was made: batches sent to the wrapped embedder, calls and texts they held. */
    public record Counts(long batches, long calls, long texts) {
        /** Mean calls per batch (1 when nothing was gathered). */
        public double callsPerBatch() {
            return batches == 0 ? 0 : (double) calls / batches;
        }
    }

    private record Call(List<String> texts, CompletableFuture<List<Embedding>> result) {
    }

    private static final Call CLOSE = new Call(List.of(), new CompletableFuture<>());

    private final Embedder delegate;
    private final Config config;
    private final BlockingQueue<Call> queue = new LinkedBlockingQueue<>();
    private final Thread dispatcher;
    /** One permit per batch that may be in the wrapped embedder at once; the dispatcher takes one before gathering. */
    private final Semaphore slots;
    private final ExecutorService embedding;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong texts = new AtomicLong();
    private boolean closed; // guarded by this

    private BatchingEmbedder(Embedder delegate, Config config) {
        this.delegate = delegate;
        this.config = config;
        this.slots = new Semaphore(config.maxInFlight());
        this.embedding = Executors.newFixedThreadPool(config.maxInFlight(),
                Thread.ofPlatform().name("loci-embed-batch-", 1).daemon().factory());
        this.dispatcher = Thread.ofPlatform().name("loci-embed-batcher").daemon().start(this::dispatch);
    }

    /** Wraps {@code delegate}, which this then owns: {@link #close()} closes it. */
    public static BatchingEmbedder wrap(Embedder delegate, Config config) {
        if (delegate == null) {
            throw new InvalidInputException("delegate", "is required");
        }
        if (config == null) {
            throw new InvalidInputException("config", "is required");
        }
        return new BatchingEmbedder(delegate, config);
    }

    @Override
    public int dimensions() {
        return delegate.dimensions();
    }

    @Override
    public String modelId() {
        return delegate.modelId();
    }

    @Override
    public List<Embedding> embedDocuments(List<String> documents) {
        if (documents.isEmpty()) {
            return List.of();
        }
        Call call = new Call(List.copyOf(documents), new CompletableFuture<>());
        synchronized (this) {
            if (closed) {
                throw new LociException("the embedder is closed");
            }
            queue.add(call);
        }
        try {
            return call.result().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    @Override
    public Embedding embedQuery(String text) {
        return delegate.embedQuery(text);
    }

    /** Calls waiting for a batch right now (for tests and metrics). */
    public int queued() {
        return queue.size();
    }

    /** Whether {@link #close()} has been called (new calls are refused). */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** What has been batched so far. */
    public Counts counts() {
        return new Counts(batches.get(), calls.get(), texts.get());
    }

    /** {@code batches}, {@code calls} and {@code texts} so far, and {@code queued} now. */
    @Override
    public java.util.Map<String, Long> figures() {
        Counts c = counts();
        return java.util.Map.of("batches", c.batches(), "calls", c.calls(), "texts", c.texts(), "queued",
                (long) queued());
    }

    /** Refuses new calls, embeds those already queued, stops the batching thread, closes the wrapped embedder. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(CLOSE);
        }
        try {
            dispatcher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            delegate.close();
        }
    }

    private void dispatch() {
        try {
            gatherAndHandOver();
        } finally {
            slots.acquireUninterruptibly(config.maxInFlight()); // every batch handed over has been embedded
            embedding.shutdown();
        }
    }

    private void gatherAndHandOver() {
        boolean concurrent = false;
        boolean closing = false;
        while (!closing) {
            Call first;
            boolean slot = false;
            try {
                slots.acquire(); // gathering starts once a batch may go: calls arriving meanwhile join it
                slot = true;
                first = queue.take();
            } catch (InterruptedException e) {
                if (slot) {
                    slots.release(); // no batch took it; the wait for batches in flight needs it back
                }
                LOG.log(Level.WARNING, "batching thread interrupted; calls still queued fail");
                failQueued(new LociException("the embedder's batching thread was interrupted"));
                return;
            }
            if (first == CLOSE) {
                slots.release();
                return;
            }
            List<Call> batch = new ArrayList<>();
            batch.add(first);
            int size = first.texts().size();
            long deadline = System.nanoTime() + (concurrent ? config.maxWait().toNanos() : 0);
            while (size < config.maxTexts()) {
                Call next = queue.poll();
                if (next == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    try {
                        next = queue.poll(left, TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    if (next == null) {
                        break;
                    }
                }
                if (next == CLOSE) {
                    closing = true;
                    break;
                }
                batch.add(next);
                size += next.texts().size();
            }
            concurrent = batch.size() > 1;
            int texts = size;
            embedding.execute(() -> {
                try {
                    embed(batch, texts);
                } finally {
                    slots.release();
                }
            });
        }
        // CLOSE was taken while gathering: nothing can be queued behind it (close() adds it last, under the lock)
    }

    private void embed(List<Call> batch, int size) {
        batches.incrementAndGet();
        calls.addAndGet(batch.size());
        texts.addAndGet(size);
        if (batch.size() == 1) {
            run(batch.getFirst());
            return;
        }
        List<String> all = new ArrayList<>(size);
        batch.forEach(c -> all.addAll(c.texts()));
        List<Embedding> vectors;
        try {
            vectors = delegate.embedDocuments(all);
        } catch (InvalidInputException e) {
            batch.forEach(this::run); // only the caller with the bad text fails, with its own index
            return;
        } catch (RuntimeException | Error e) {
            batch.forEach(c -> c.result().completeExceptionally(e));
            return;
        }
        int from = 0;
        for (Call c : batch) {
            c.result().complete(List.copyOf(vectors.subList(from, from + c.texts().size())));
            from += c.texts().size();
        }
    }

    private void run(Call call) {
        try {
            call.result().complete(delegate.embedDocuments(call.texts()));
        } catch (RuntimeException | Error e) {
            call.result().completeExceptionally(e);
        }
    }

    private void failQueued(RuntimeException e) {
        for (Call c; (c = queue.poll()) != null; ) {
            c.result().completeExceptionally(e);
        }
    }
}
