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
 */
public record EmbeddedOptions(LociConfig loci, OnnxEmbedderConfig embedder, LuceneStoreConfig store) {
    public EmbeddedOptions {
        if (loci == null || embedder == null || store == null) {
            throw new InvalidInputException("options", "loci, embedder and store settings are all required");
        }
    }

    public static EmbeddedOptions defaults() {
        return new EmbeddedOptions(LociConfig.defaults(), OnnxEmbedderConfig.defaults(), LuceneStoreConfig.defaults());
    }

    public EmbeddedOptions withLoci(LociConfig c) {
        return new EmbeddedOptions(c, embedder, store);
    }

    public EmbeddedOptions withEmbedder(OnnxEmbedderConfig c) {
        return new EmbeddedOptions(loci, c, store);
    }

    public EmbeddedOptions withModel(EmbeddingModel model) {
        return new EmbeddedOptions(loci, embedder.withModel(model), store);
    }

    public EmbeddedOptions withStore(LuceneStoreConfig c) {
        return new EmbeddedOptions(loci, embedder, c);
    }
}
