package dev.loci.embed.onnx;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.loci.InvalidInputException;
import dev.loci.spi.Embedder;
import dev.loci.spi.Embedding;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Embeds text in-process with a local ONNX model, loaded from the model jar's resources.
 *
 * <p><b>Batching.</b> Texts are tokenized, sorted by length (stable, so the same input always
 * forms the same batches: the quantized models' outputs depend slightly on batch composition),
 * cut into batches padded to their own longest text, and run on a fixed pool of worker threads.
 * Output order is input order.
 *
 * <p><b>Long texts.</b> A text longer than the model window is never cut: its tokens are split
 * into overlapping windows, each window is embedded, and the text's vector is the token-weighted
 * mean of the window vectors, re-normalised.
 *
 * <p><b>Closing.</b> Every call holds a read lock while it uses native code (tokenizer, session);
 * {@link #close()} takes the write lock, so it waits for calls in flight (up to
 * {@link #CLOSE_WAIT}) before it releases the native session and tokenizer: releasing them under a
 * running {@code OrtSession.run} crashes the JVM (SIGSEGV in libonnxruntime). Calls after close
 * fail with {@link EmbeddingException}.
 *
 * <p>Thread-safe: any number of threads may call it at once (ONNX Runtime sessions are).
 */
public final class OnnxEmbedder implements Embedder {
    private static final System.Logger LOG = System.getLogger(OnnxEmbedder.class.getName());

    private final OnnxEmbedderConfig config;
    private final EmbeddingModel model;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final ExecutorService pool;
    private final boolean tokenTypes;
    private final String outputName;
    private final long cls;
    private final long sep;
    private final int dimensions;
    /** Read-held by every use of native resources, write-held by {@link #close()}. */
    private final ReentrantReadWriteLock nativeUse = new ReentrantReadWriteLock();
    private volatile boolean closed;
    /** Recent query vectors by query text, least recently used first; null when the cache is off. */
    private final Map<String, Embedding> queryCache;
    private final AtomicLong queryCacheHits = new AtomicLong();

    /** How long {@link #close()} waits for calls in flight before it gives up and leaks the session. */
    static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(30);

    private OnnxEmbedder(OnnxEmbedderConfig config) throws OrtException, IOException {
        this.config = config;
        this.model = config.model();
        int cacheSize = config.queryCacheSize();
        this.queryCache = cacheSize == 0 ? null : new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Embedding> eldest) {
                return size() > cacheSize;
            }
        };
        this.env = OrtEnvironment.getEnvironment();
        try (var options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(config.intraOpThreads());
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            this.session = env.createSession(resource(model.modelResource()), options);
        }
        try (InputStream in = stream(model.tokenizerResource())) {
            this.tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of("truncation", "false", "padding", "false",
                    "maxLength", "1000000"));
        }
        long[] empty = tokenizer.encode("", true, false).getIds();
        this.cls = empty[0];
        this.sep = empty[empty.length - 1];
        this.tokenTypes = session.getInputNames().contains("token_type_ids");
        this.outputName = session.getOutputNames().contains("last_hidden_state")
                ? "last_hidden_state" : session.getOutputNames().iterator().next();
        this.pool = Executors.newFixedThreadPool(config.workerThreads(), r -> {
            Thread t = new Thread(r, "loci-embed");
            t.setDaemon(true);
            return t;
        });
        this.dimensions = runBatch(List.of(new long[] {cls, sep}))[0].length;
        if (dimensions != model.dimensions()) {
            close();
            throw new IOException("the model gives " + dimensions + "-dimensional vectors, but " + model.id()
                    + " is declared with " + model.dimensions());
        }
        LOG.log(System.Logger.Level.INFO, "embedding model {0}: {1} dimensions, batch {2}, {3} worker threads x {4}"
                        + " intra-op threads", model.id(), dimensions, config.batchSize(), config.workerThreads(),
                config.intraOpThreads());
    }

    /** Loads the configured model from the classpath. */
    public static OnnxEmbedder create(OnnxEmbedderConfig config) {
        try {
            return new OnnxEmbedder(config);
        } catch (OrtException | IOException e) {
            throw new EmbeddingException("cannot load embedding model " + config.model().id() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    @Override
    public String modelId() {
        return model.id();
    }

    /** The model this embedder runs. */
    public EmbeddingModel model() {
        return model;
    }

    /** Tokens of {@code text} without special tokens (for callers that want to count them). */
    public int countTokens(String text) {
        enter();
        try {
            return tokenizer.encode(text, false, false).getIds().length;
        } finally {
            nativeUse.readLock().unlock();
        }
    }

    /** Takes the read lock, or throws if closed (then holding nothing). */
    private void enter() {
        nativeUse.readLock().lock();
        if (closed) {
            nativeUse.readLock().unlock();
            throw new EmbeddingException("embedding model " + model.id() + " is closed", null);
        }
    }

    @Override
    public List<Embedding> embedDocuments(List<String> texts) {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null || texts.get(i).isBlank()) {
                throw new InvalidInputException("texts[" + i + "]", "must not be blank");
            }
        }
        return embed(texts);
    }

    @Override
    public Embedding embedQuery(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("query", "must not be blank");
        }
        if (queryCache != null) {
            Embedding known;
            synchronized (queryCache) {
                known = queryCache.get(text);
            }
            if (known != null) {
                ensureOpen();
                queryCacheHits.incrementAndGet();
                return known;
            }
        }
        Embedding e = embed(List.of(model.queryPrefix() + text)).get(0);
        if (queryCache != null) {
            synchronized (queryCache) {
                queryCache.put(text, e);
            }
        }
        return e;
    }

    /** Queries answered from the recent-query cache since this embedder was created. */
    public long queryCacheHits() {
        return queryCacheHits.get();
    }

    private void ensureOpen() {
        if (closed) {
            throw new EmbeddingException("embedding model " + model.id() + " is closed", null);
        }
    }

    private List<Embedding> embed(List<String> texts) {
        enter();
        try {
            return embedOpen(texts);
        } finally {
            nativeUse.readLock().unlock();
        }
    }

    private List<Embedding> embedOpen(List<String> texts) {
        // 1. Tokenize and split each text into windows that fit the model.
        record Window(int text, long[] ids) {
        }
        List<Window> windows = new ArrayList<>();
        int body = model.maxTokens() - 2;
        int step = body - config.windowOverlap();
        for (int t = 0; t < texts.size(); t++) {
            long[] ids = tokenizer.encode(texts.get(t), false, false).getIds();
            int from = 0;
            do {
                int to = Math.min(ids.length, from + body);
                long[] w = new long[to - from + 2];
                w[0] = cls;
                System.arraycopy(ids, from, w, 1, to - from);
                w[w.length - 1] = sep;
                windows.add(new Window(t, w));
                if (to == ids.length) {
                    break;
                }
                from += step;
            } while (true);
        }
        // 2. Sort by length (stable), batch, run on the pool.
        List<Integer> order = new ArrayList<>(windows.size());
        for (int i = 0; i < windows.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> windows.get(i).ids().length));
        float[][] vectors = new float[windows.size()][];
        List<Future<?>> running = new ArrayList<>();
        // A call smaller than workers x batch size is split evenly so every worker gets a share.
        int size = Math.max(1, Math.min(config.batchSize(),
                (order.size() + config.workerThreads() - 1) / config.workerThreads()));
        for (int from = 0; from < order.size(); from += size) {
            List<Integer> batch = order.subList(from, Math.min(order.size(), from + size));
            Runnable job = () -> {
                float[][] out = runBatch(batch.stream().map(i -> windows.get(i).ids()).toList());
                for (int b = 0; b < batch.size(); b++) {
                    vectors[batch.get(b)] = out[b];
                }
            };
            if (order.size() <= size) {
                job.run();
            } else {
                try {
                    running.add(pool.submit(job));
                } catch (java.util.concurrent.RejectedExecutionException e) { // closed since this call began
                    throw new EmbeddingException("embedding model " + model.id() + " is closed", e);
                }
            }
        }
        await(running);
        // 3. One vector per text: token-weighted mean of its windows, then unit length.
        float[][] sums = new float[texts.size()][];
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            float weight = w.ids().length - 2;
            float[] v = vectors[i];
            if (sums[w.text()] == null) {
                sums[w.text()] = new float[v.length];
            }
            for (int d = 0; d < v.length; d++) {
                sums[w.text()][d] += v[d] * Math.max(weight, 1);
            }
        }
        List<Embedding> result = new ArrayList<>(texts.size());
        for (float[] s : sums) {
            result.add(Embedding.normalized(s));
        }
        return result;
    }

    private float[][] runBatch(List<long[]> sequences) {
        // Again on the worker: it may still run after its caller gave up waiting (interrupted). A
        // tryLock, which barges past a waiting close(): a blocking lock would queue behind it while
        // the caller, holding its read lock, waits for this worker (deadlock until the close times out).
        if (!nativeUse.readLock().tryLock()) {
            throw new EmbeddingException("embedding model " + model.id() + " is closed", null);
        }
        try {
            if (closed) {
                throw new EmbeddingException("embedding model " + model.id() + " is closed", null);
            }
            return runBatchOpen(sequences);
        } finally {
            nativeUse.readLock().unlock();
        }
    }

    private float[][] runBatchOpen(List<long[]> sequences) {
        int batch = sequences.size();
        int len = sequences.stream().mapToInt(s -> s.length).max().orElse(0);
        long[][] ids = new long[batch][len];
        long[][] mask = new long[batch][len];
        for (int b = 0; b < batch; b++) {
            long[] s = sequences.get(b);
            System.arraycopy(s, 0, ids[b], 0, s.length);
            for (int i = 0; i < s.length; i++) {
                mask[b][i] = 1;
            }
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, ids));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, mask));
            if (tokenTypes) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, new long[batch][len]));
            }
            try (OrtSession.Result result = session.run(inputs, java.util.Set.of(outputName))) {
                float[][][] hidden = (float[][][]) result.get(0).getValue();
                float[][] pooled = new float[batch][];
                for (int b = 0; b < batch; b++) {
                    pooled[b] = pool(hidden[b], mask[b]);
                }
                return pooled;
            }
        } catch (OrtException e) {
            throw new EmbeddingException("embedding model " + model.id() + " failed on a batch of " + batch
                    + ": " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private float[] pool(float[][] tokens, long[] mask) {
        if (model.pooling() == EmbeddingModel.Pooling.CLS) {
            return tokens[0].clone();
        }
        float[] mean = new float[tokens[0].length];
        int n = 0;
        for (int t = 0; t < tokens.length; t++) {
            if (mask[t] == 1) {
                n++;
                for (int d = 0; d < mean.length; d++) {
                    mean[d] += tokens[t][d];
                }
            }
        }
        for (int d = 0; d < mean.length; d++) {
            mean[d] /= Math.max(n, 1);
        }
        return mean;
    }

    private static void await(List<Future<?>> futures) {
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException("interrupted while embedding", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new EmbeddingException("embedding failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Model files read from their jars, kept while memory allows: inflating one (34 MB) takes about
     * half a second, which a process that opens several data directories (the evaluation, the tests)
     * would otherwise pay on every open. The arrays are never written to.
     */
    private static final Map<String, SoftReference<byte[]>> MODEL_BYTES = new ConcurrentHashMap<>();

    private static byte[] resource(String name) throws IOException {
        SoftReference<byte[]> cached = MODEL_BYTES.get(name);
        byte[] bytes = cached == null ? null : cached.get();
        if (bytes == null) {
            try (InputStream in = stream(name)) {
                bytes = in.readAllBytes();
            }
            MODEL_BYTES.put(name, new SoftReference<>(bytes));
        }
        return bytes;
    }

    private static InputStream stream(String name) throws IOException {
        InputStream in = OnnxEmbedder.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("resource " + name + " is not on the classpath (is the model jar a dependency?)");
        }
        return in;
    }

    /**
     * Refuses new calls, waits (up to {@link #CLOSE_WAIT}) for calls in flight, then releases the
     * session and tokenizer. If calls are still running after the wait, the native resources are
     * left to the process's exit rather than freed under them. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        pool.shutdown(); // not shutdownNow: a native run cannot be interrupted, and queued jobs fail fast
        boolean locked = false;
        try {
            locked = nativeUse.writeLock().tryLock(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!locked) {
            LOG.log(System.Logger.Level.WARNING, "embedding calls still running after " + CLOSE_WAIT
                    + "; leaving the ONNX session open rather than freeing it under them");
            return;
        }
        try {
            if (released) {
                return;
            }
            released = true;
            tokenizer.close();
            try {
                session.close();
            } catch (OrtException e) {
                LOG.log(System.Logger.Level.WARNING, "closing the ONNX session failed", e);
            }
        } finally {
            nativeUse.writeLock().unlock();
        }
    }

    private boolean released; // guarded by nativeUse's write lock
}
