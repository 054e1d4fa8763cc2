package dev.loci.embedded;

import dev.loci.InvalidInputException;
import dev.loci.LociConfig;
import dev.loci.embed.onnx.EmbeddingModel;
import dev.loci.embed.onnx.OnnxEmbedderConfig;
import dev.loci.store.lucene.LuceneStoreConfig;

/**
 * Settings of an embedded Loci: the engine, the local embedding model and the store.
 *
 * @param loci     ingest limits and recall fusion (default {@link LociConfig#defaults()})
 * @param embedder model, batch size and threads (default bge-small-en-v1.5, quantized)
 * @param store    durability and vector index settings (default {@link LuceneStoreConfig#defaults()})
 * @param tokens   the encoding context budgets are counted in: {@code cl100k} (default) or {@code o200k}
 * @param createIfMissing whether opening a data directory that does not exist creates it (default true); a
 *                 tool that reads should say "no such data directory" rather than make an empty one
 * @param preloadModel whether opening starts loading the embedding model in the background (default false:
 *                 it is loaded on the first call that embeds, and never by one that only reads or deletes); a
 *                 caller about to embed saves the overlap of the model load with the index opening
 */
public record EmbeddedOptions(LociConfig loci, OnnxEmbedderConfig embedder, LuceneStoreConfig store, String tokens,
                              boolean createIfMissing, boolean preloadModel) {
    /** Creating the data directory when it is missing, loading the model on first use. */
    public EmbeddedOptions(LociConfig loci, OnnxEmbedderConfig embedder, LuceneStoreConfig store, String tokens) {
        this(loci, embedder, store, tokens, true, false);
    }

    public EmbeddedOptions {
        if (loci == null || embedder == null || store == null || tokens == null) {
            throw new InvalidInputException("options", "loci, embedder, store and tokens settings are all required");
        }
    }

    public static EmbeddedOptions defaults() {
        return new EmbeddedOptions(LociConfig.defaults(), OnnxEmbedderConfig.defaults(), LuceneStoreConfig.defaults(),
                "cl100k", true, false);
    }

    /** The encoding {@code context} budgets are counted in: cl100k or o200k. */
    public EmbeddedOptions withTokens(String encoding) {
        JtokkitTokenCounter.named(encoding); // fails early on an unknown name
        return new EmbeddedOptions(loci, embedder, store, encoding, createIfMissing, preloadModel);
    }

    public EmbeddedOptions withLoci(LociConfig c) {
        return new EmbeddedOptions(c, embedder, store, tokens, createIfMissing, preloadModel);
    }

    public EmbeddedOptions withEmbedder(OnnxEmbedderConfig c) {
        return new EmbeddedOptions(loci, c, store, tokens, createIfMissing, preloadModel);
    }

    public EmbeddedOptions withModel(EmbeddingModel model) {
        return new EmbeddedOptions(loci, embedder.withModel(model), store, tokens, createIfMissing, preloadModel);
    }

    /** The same, opening only a data directory that exists already (false) or creating it (true). */
    public EmbeddedOptions withCreateIfMissing(boolean create) {
        return new EmbeddedOptions(loci, embedder, store, tokens, create, preloadModel);
    }

    /** The same, starting to load the embedding model in the background on open (true) or not (false). */
    public EmbeddedOptions withPreloadModel(boolean preload) {
        return new EmbeddedOptions(loci, embedder, store, tokens, createIfMissing, preload);
    }

    public EmbeddedOptions withStore(LuceneStoreConfig c) {
        return new EmbeddedOptions(loci, embedder, c, tokens, createIfMissing, preloadModel);
    }
}
