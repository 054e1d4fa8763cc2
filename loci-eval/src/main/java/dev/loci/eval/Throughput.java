package dev.loci.eval;

import dev.loci.spi.Embedder;
import java.util.List;

/** The embedder's own batched throughput, for comparison with ingest in the same run. */
final class Throughput {
    /** Texts per embedder call when the caller names no size. */
    private static final int CHUNK = 256;

    private Throughput() {
    }

    static double embedderTextsPerSecond(Embedder embedder, List<String> texts) {
        return embedderTextsPerSecond(embedder, texts, CHUNK);
    }

    /**
     * The same with {@code chunk} texts per call: pass the mean size of the benchmark's remember
     * calls, so the embedder is measured with the batches ingest gives it (smaller batches embed
     * fewer texts per second).
     */
    static double embedderTextsPerSecond(Embedder embedder, List<String> texts, int chunk) {
        if (texts.isEmpty()) {
            return 0;
        }
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk must be >= 1, was " + chunk);
        }
        long t0 = System.nanoTime();
        for (int from = 0; from < texts.size(); from += chunk) {
            embedder.embedDocuments(texts.subList(from, Math.min(texts.size(), from + chunk)));
        }
        return texts.size() / ((System.nanoTime() - t0) / 1e9);
    }
}
