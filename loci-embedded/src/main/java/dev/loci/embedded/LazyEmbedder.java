package dev.loci.embedded;

import dev.loci.InvalidInputException;
import dev.loci.embed.onnx.OnnxEmbedder;
import dev.loci.embed.onnx.OnnxEmbedderConfig;
import dev.loci.spi.Embedder;
import dev.loci.spi.Embedding;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Function;

/**
 * An ONNX embedder created on its first embed call. Loading the model takes one to two seconds, and
 * commands that only read or delete stored memories ({@code stats}, {@code get}, {@code history},
 * {@code purge}) never embed: they should not pay for it. The model's id and dimensions, which the
 * data directory's model check needs, come from {@link dev.loci.embed.onnx.EmbeddingModel} without
 * loading it. A caller that knows it will embed may {@link #preload()} it in the background, while
 * it does other work (opening the index).
 *
 * <p>Thread-safe: concurrent first calls load the model once; the others wait for it. After
 * {@link #close()} it refuses to load; close waits (bounded) for a load under way to end, and for
 * the loaded model's runs in flight.
 */
final class LazyEmbedder implements Embedder {
    private final OnnxEmbedderConfig config;
    private final FutureTask<Embedder> load;
    private volatile Embedder loaded;
    private volatile boolean closed;
    /** What the load created, guarded by this: closed here or by {@link #close()}, whichever comes last. */
    private Embedder created;
    private volatile boolean loadStarted;
    private final java.util.concurrent.CountDownLatch loadEnded = new java.util.concurrent.CountDownLatch(1);
    /** How long {@link #close()} waits for a load under way (it creates native resources). */
    private static final java.time.Duration LOAD_WAIT = java.time.Duration.ofSeconds(30);

    LazyEmbedder(OnnxEmbedderConfig config) {
        this(config, OnnxEmbedder::create);
    }

    /** With another factory (tests count the loads). */
    LazyEmbedder(OnnxEmbedderConfig config, Function<OnnxEmbedderConfig, ? extends Embedder> factory) {
        this.config = config;
        this.load = new FutureTask<>(() -> {
            loadStarted = true;
            try {
                Embedder e = factory.apply(config);
                synchronized (this) {
                    if (closed) {
                        e.close(); // closed while loading in the background
                        throw new CancellationException("closed");
                    }
                    created = e;
                    return e;
                }
            } finally {
                loadEnded.countDown();
            }
        });
    }

    @Override
    public int dimensions() {
        return config.model().dimensions();
    }

    @Override
    public String modelId() {
        return config.model().id();
    }

    /** Starts loading the model on a background thread, unless it is loading or loaded already. */
    void preload() {
        if (!closed && !load.isDone()) {
            Thread t = new Thread(load, "loci-model-load");
            t.setDaemon(true);
            t.start(); // a FutureTask runs once: a second start, or a caller's run, does nothing
        }
    }

    /** Whether the model has been loaded. */
    boolean isLoaded() {
        return loaded != null;
    }

    @Override
    public List<Embedding> embedDocuments(List<String> texts) {
        return delegate().embedDocuments(texts);
    }

    @Override
    public Embedding embedQuery(String text) {
        return delegate().embedQuery(text);
    }

    /** The loaded model's figures; none while it is not loaded (asking never loads it). */
    @Override
    public java.util.Map<String, Long> figures() {
        Embedder e = loaded;
        return e == null ? java.util.Map.of() : e.figures();
    }

    private Embedder delegate() {
        Embedder e = loaded;
        if (e != null) {
            return e;
        }
        if (closed) {
            throw new InvalidInputException("embedder", "is closed");
        }
        load.run(); // loads here, or returns at once when another thread is loading or has loaded
        loaded = await();
        return loaded;
    }

    private Embedder await() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return load.get();
                } catch (InterruptedException ie) {
                    interrupted = true; // the load is shared: finish waiting, keep the interrupt
                }
            }
        } catch (CancellationException ce) {
            throw new InvalidInputException("embedder", "is closed");
        } catch (ExecutionException ee) {
            if (ee.getCause() instanceof CancellationException) {
                throw new InvalidInputException("embedder", "is closed");
            }
            if (ee.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (ee.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("loading the embedding model failed", ee.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        Embedder toClose;
        synchronized (this) {
            closed = true;
            load.cancel(false); // never runs if it has not started; a load under way closes what it makes
            toClose = created;
            created = null;
        }
        if (toClose != null) {
            toClose.close();
        } else if (loadStarted) {
            // A load under way is in native code (creating the ONNX session) and closes what it makes
            // when it ends: wait for that, so a process exiting after close() does not release ONNX
            // Runtime's environment under it (SIGSEGV).
            try {
                loadEnded.await(LOAD_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
