package dev.loci.spi;

import java.util.List;

/**
 * Turns text into unit-length vectors. Implementations must be thread-safe and deterministic:
 * the same input list gives the same vectors.
 *
 * <p>Documents and queries are embedded separately because retrieval models often mark
 * queries (an instruction prefix) differently from passages.
 */
public interface Embedder extends AutoCloseable {
    /** Vector length. */
    int dimensions();

    /** Stable name of the model, recorded with the data so a mismatched reopen is caught. */
    String modelId();

    /** Embeds passages to be stored, one vector per text, in input order. */
    List<Embedding> embedDocuments(List<String> texts);

    /** Embeds a search query. */
    Embedding embedQuery(String text);

    /**
     * Running figures of this embedder for monitoring, by name (e.g. {@code batches}, {@code texts},
     * {@code queued}); counts only grow. None by default.
     */
    default java.util.Map<String, Long> figures() {
        return java.util.Map.of();
    }

    @Override
    void close();
}
