package dev.loci.bench;

import dev.loci.spi.Embedder;
import dev.loci.spi.Embedding;
import java.util.List;
import java.util.Map;

/**
 * Serves precomputed query vectors so store-side latency can be measured at sizes where
 * embedding every memory with the real model would take hours; query embedding is measured on
 * its own with the real model.
 */
final class LookupEmbedder implements Embedder {
    private final Map<String, Embedding> queries;
    private final int dimensions;

    LookupEmbedder(Map<String, Embedding> queries, int dimensions) {
        this.queries = Map.copyOf(queries);
        this.dimensions = dimensions;
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    @Override
    public String modelId() {
        return "precomputed-" + dimensions;
    }

    @Override
    public List<Embedding> embedDocuments(List<String> texts) {
        throw new IllegalStateException("the store benchmark writes vectors directly");
    }

    @Override
    public Embedding embedQuery(String text) {
        Embedding e = queries.get(text);
        if (e == null) {
            throw new IllegalArgumentException("no precomputed vector for query: " + text);
        }
        return e;
    }

    @Override
    public void close() {
    }
}
