package dev.loci.embedded;

import dev.loci.InvalidInputException;
import dev.loci.LociConfig;
import dev.loci.embed.onnx.EmbeddingModel;
import dev.loci.embed.onnx.OnnxEmbedderConfig;
import dev.loci.store.elasticsearch.ElasticsearchStoreConfig;
import dev.loci.store.lucene.LuceneStoreConfig;
import java.util.Optional;

/**
 * Settings of an in-process Loci: the engine, the local embedding model and where memories are kept
 * (the Lucene store in the data directory, or an Elasticsearch cluster shared with other Loci
 * processes).
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
 * @param elasticsearch null (default) to keep memories in the Lucene store of the data directory
 *                 ({@code store} settings); otherwise the cluster and index that hold them, and {@code store}
 *                 is unused. The data directory is still used for what is local to one process (the
 *                 server's API keys).
 */
public record EmbeddedOptions(LociConfig loci, OnnxEmbedderConfig embedder, LuceneStoreConfig store, String tokens,
                              boolean createIfMissing, boolean preloadModel, ElasticsearchStoreConfig elasticsearch) {
    /** Creating the data directory when it is missing, loading the model on first use. */
    public EmbeddedOptions(LociConfig loci, OnnxEmbedderConfig embedder, LuceneStoreConfig store, String tokens) {
        this(loci, embedder, store, tokens, true, false, null);
    }

    /** Memories in the Lucene store of the data directory. */
    public EmbeddedOptions(LociConfig loci, OnnxEmbedderConfig embedder, LuceneStoreConfig store, String tokens,
                           boolean createIfMissing, boolean preloadModel) {
        this(loci, embedder, store, tokens, createIfMissing, preloadModel, null);
    }

    public EmbeddedOptions {
        if (loci == null || embedder == null || store == null || tokens == null) {
            throw new InvalidInputException("options", "loci, embedder, store and tokens settings are all required");
        }
    }

    public static EmbeddedOptions defaults() {
        return new EmbeddedOptions(LociConfig.defaults(), OnnxEmbedderConfig.defaults(), LuceneStoreConfig.defaults(),
                "cl100k", true, false, null);
    }

    /** The encoding {@code context} budgets are counted in: cl100k or o200k. */
    public EmbeddedOptions withTokens(String encoding) {
        JtokkitTokenCounter.named(encoding); // fails early on an unknown name
        return new EmbeddedOptions(loci, embedder, store, encoding, createIfMissing, preloadModel, elasticsearch);
    }

    public EmbeddedOptions withLoci(LociConfig c) {
        return new EmbeddedOptions(c, embedder, store, tokens, createIfMissing, preloadModel, elasticsearch);
    }

    public EmbeddedOptions withEmbedder(OnnxEmbedderConfig c) {
        return new EmbeddedOptions(loci, c, store, tokens, createIfMissing, preloadModel, elasticsearch);
    }

    public EmbeddedOptions withModel(EmbeddingModel model) {
        return new EmbeddedOptions(loci, embedder.withModel(model), store, tokens, createIfMissing, preloadModel, elasticsearch);
    }

    /** The same, opening only a data directory that exists already (false) or creating it (true). */
    public EmbeddedOptions withCreateIfMissing(boolean create) {
        return new EmbeddedOptions(loci, embedder, store, tokens, create, preloadModel, elasticsearch);
    }

    /** The same, starting to load the embedding model in the background on open (true) or not (false). */
    public EmbeddedOptions withPreloadModel(boolean preload) {
        return new EmbeddedOptions(loci, embedder, store, tokens, createIfMissing, preload, elasticsearch);
    }

    public EmbeddedOptions withStore(LuceneStoreConfig c) {
        return new EmbeddedOptions(loci, embedder, c, tokens, createIfMissing, preloadModel, elasticsearch);
    }

    /**
     * The same, keeping memories on this Elasticsearch cluster instead of the data directory's
     * Lucene store; several Loci processes may open the same cluster and index.
     */
    public EmbeddedOptions withElasticsearch(ElasticsearchStoreConfig c) {
        if (c == null) {
            throw new InvalidInputException("elasticsearch", "is required (withLucene() for the data directory's store)");
        }
        return new EmbeddedOptions(loci, embedder, store, tokens, createIfMissing, preloadModel, c);
    }

    /** The same, keeping memories in the data directory's Lucene store (the default). */
    public EmbeddedOptions withLucene() {
        return new EmbeddedOptions(loci, embedder, store, tokens, createIfMissing, preloadModel, null);
    }

    /** The Elasticsearch cluster holding the memories, if they are not in the data directory. */
    public Optional<ElasticsearchStoreConfig> cluster() {
        return Optional.ofNullable(elasticsearch);
    }
}
