package dev.loci.spi;

import java.util.List;

/**
 * The two ranked candidate lists of a hybrid search, best first: {@code lexical} scored by BM25 (0 =
 * no query word matched), {@code dense} by the cosine of the memory's vector and the query's, as a
 * cosine (-1..1), not an engine's rescaled form of it, since recall compares gaps in cosine on a fixed
 * scale ({@code RecallConfig.denseSpan}).
 */
public record SearchHits(List<StoreHit> lexical, List<StoreHit> dense) {
    public SearchHits {
        lexical = List.copyOf(lexical);
        dense = List.copyOf(dense);
    }
}
