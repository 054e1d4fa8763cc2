package dev.loci.spi;

import java.util.List;

/** The two ranked candidate lists of a hybrid search, best first. */
public record SearchHits(List<StoreHit> lexical, List<StoreHit> dense) {
    public SearchHits {
        lexical = List.copyOf(lexical);
        dense = List.copyOf(dense);
    }
}
