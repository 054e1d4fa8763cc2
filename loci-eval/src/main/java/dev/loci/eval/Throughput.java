package dev.loci.eval;

import dev.loci.spi.Embedder;
import java.util.List;

/** The embedder's own batched throughput, for comparison with ingest in the same run. */
final class Throughput {
    /** Texts per embedder call, as ingest would batch them. */
    private static final int CHUNK = 256;

    private Throughput() {
    }

    static double embedderTextsPerSecond(Embedder embedder, List<String> texts) {
        if (texts.isEmpty()) {
            return 0;
        }
        long t0 = System.nanoTime();
        for (int from = 0; from < texts.size(); from += CHUNK) {
            embedder.embedDocuments(texts.subList(from, Math.min(texts.size(), from + CHUNK)));
        }
        return texts.size() / ((System.nanoTime() - t0) / 1e9);
    }
}
