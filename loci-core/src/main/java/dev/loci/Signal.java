package dev.loci;

/**
 * One ranking signal's view of a result.
 *
 * @param name         signal name, e.g. {@link #BM25} or {@link #DENSE}
 * @param rank         1-based rank in that signal's list
 * @param score        the signal's raw score (BM25 score, cosine similarity, ...)
 * @param contribution what this signal added to the fused score
 */
public record Signal(String name, int rank, double score, double contribution) {
    /** Lexical BM25 over the memory text and its index keys. */
    public static final String BM25 = "bm25";
    /** Dense cosine similarity over embeddings (approximate nearest neighbours). */
    public static final String DENSE = "dense";

    public Signal {
        if (rank < 1) {
            throw new IllegalArgumentException("rank must be >= 1, was " + rank);
        }
    }
}
