package dev.loci.embedded;

import dev.loci.InvalidInputException;
import dev.loci.embed.onnx.OnnxEmbedder;
import dev.loci.embed.onnx.OnnxEmbedderConfig;
import dev.loci.spi.Embedder;
import dev.loci.spi.Embedding;
import java.util.List;
import java.util.function.Function;

/**
 * An ONNX embedder created on its first embed call. Loading the model takes one to two seconds, and
 * commands that only read or delete stored memories ({@code stats}, {@code get}, {@code history},
 * {@code purge}) never embed: they should not pay for it. The model's id and dimensions, which the
 * data directory's model check needs, come from {@link dev.loci.embed.onnx.EmbeddingModel} without
 * loading it.
 *
 * <p>Thread-safe: concurrent first calls load the model once. After {@link #close()} it refuses
 * to load.
 */
final class LazyEmbedder implements Embedder {
    private final OnnxEmbedderConfig config;
    private final Function<OnnxEmbedderConfig, ? extends Embedder> factory;
    private volatile Embedder loaded;
    private boolean closed; // guarded by this

    LazyEmbedder(OnnxEmbedderConfig config) {
        this(config, OnnxEmbedder::create);
    }

    /** With another factory (tests count the loads). */
    LazyEmbedder(OnnxEmbedderConfig config, Function<OnnxEmbedderConfig, ? extends Embedder> factory) {
        this.config = config;
        this.factory = factory;
    }

    @Override
    public int dimensions() {
        return config.model().dimensions();
    }

    @Override
    public String modelId() {
        return config.model().id();
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

    private Embedder delegate() {
        Embedder e = loaded;
        if (e != null) {
            return e;
        }
        synchronized (this) {
            if (closed) {
                throw new InvalidInputException("embedder", "is closed");
            }
            if (loaded == null) {
                loaded = factory.apply(config);
            }
            return loaded;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (loaded != null) {
            loaded.close();
        }
    }
}
