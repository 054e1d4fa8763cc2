package dev.loci.embed.onnx;

import dev.loci.InvalidInputException;

/**
 * Settings of an {@link OnnxEmbedder}.
 *
 * @param model          which model (default {@link EmbeddingModel#BGE_SMALL_EN_V15_Q})
 * @param batchSize      texts per inference batch, 1..1024 (default 32)
 * @param workerThreads  batches run at once, 1..64 (default 2, one per core on the reference machine)
 * @param intraOpThreads threads ONNX Runtime uses inside one batch, 1..64 (default 1)
 * @param windowOverlap  tokens shared by consecutive windows of a text longer than the model
 *                       window, 0..128 (default 32)
 * @param queryCacheSize recent query texts whose vectors are kept, so asking the same thing again
 *                       skips the model, 0..100000 (default 256; 0 turns the cache off)
 */
public record OnnxEmbedderConfig(EmbeddingModel model, int batchSize, int workerThreads, int intraOpThreads,
                                 int windowOverlap, int queryCacheSize) {
    public OnnxEmbedderConfig {
        if (model == null) {
            throw new InvalidInputException("embedder.model", "is required");
        }
        check("embedder.batchSize", batchSize, 1, 1024);
        check("embedder.workerThreads", workerThreads, 1, 64);
        check("embedder.intraOpThreads", intraOpThreads, 1, 64);
        check("embedder.windowOverlap", windowOverlap, 0, 128);
        check("embedder.queryCacheSize", queryCacheSize, 0, 100_000);
    }

    private static void check(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidInputException(field, "must be in " + min + ".." + max + ", was " + value);
        }
    }

    public static OnnxEmbedderConfig defaults() {
        return new OnnxEmbedderConfig(EmbeddingModel.BGE_SMALL_EN_V15_Q, 32, 2, 1, 32, 256);
    }

    public OnnxEmbedderConfig withModel(EmbeddingModel m) {
        return new OnnxEmbedderConfig(m, batchSize, workerThreads, intraOpThreads, windowOverlap, queryCacheSize);
    }

    public OnnxEmbedderConfig withBatchSize(int n) {
        return new OnnxEmbedderConfig(model, n, workerThreads, intraOpThreads, windowOverlap, queryCacheSize);
    }

    public OnnxEmbedderConfig withWorkerThreads(int n) {
        return new OnnxEmbedderConfig(model, batchSize, n, intraOpThreads, windowOverlap, queryCacheSize);
    }

    /** Threads ONNX Runtime uses inside one batch (one query is one batch). */
    public OnnxEmbedderConfig withIntraOpThreads(int n) {
        return new OnnxEmbedderConfig(model, batchSize, workerThreads, n, windowOverlap, queryCacheSize);
    }

    /** Recent query vectors kept (0 = none). */
    public OnnxEmbedderConfig withQueryCacheSize(int n) {
        return new OnnxEmbedderConfig(model, batchSize, workerThreads, intraOpThreads, windowOverlap, n);
    }
}
