package dev.loci.spi;

import java.util.Objects;

/**
 * One hybrid search: BM25 over {@code text} and kNN over {@code vector}, both under the filter.
 *
 * @param filter      always applied, to both lists
 * @param text        query text for BM25
 * @param vector      query vector for kNN; null when {@code denseTopN} is 0
 * @param lexicalTopN BM25 results wanted (0 skips BM25)
 * @param denseTopN   kNN results wanted (0 skips kNN)
 */
public record SearchRequest(SearchFilter filter, String text, Embedding vector, int lexicalTopN, int denseTopN) {
    public SearchRequest {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(text, "text");
        if (lexicalTopN < 0 || denseTopN < 0) {
            throw new IllegalArgumentException("topN must be >= 0");
        }
        if (denseTopN > 0 && vector == null) {
            throw new IllegalArgumentException("vector is required when denseTopN > 0");
        }
    }
}
