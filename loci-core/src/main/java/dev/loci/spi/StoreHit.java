package dev.loci.spi;

import java.util.Objects;

/**
 * A memory found by one search signal: its id and that signal's raw score (higher is better).
 * Stores return ids only, so fusion can pick the winners before any record is loaded.
 */
public record StoreHit(String id, double score) {
    public StoreHit {
        Objects.requireNonNull(id, "id");
    }
}
