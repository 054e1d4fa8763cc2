package dev.loci.store.lucene;

import dev.loci.InvalidInputException;

/**
 * Tuning of the Lucene store. Start from {@link #defaults()}.
 *
 * @param durability          how acknowledged writes are made durable (default {@link Durability#WAL})
 * @param hnswMaxConnections  HNSW graph degree M (default 16)
 * @param hnswBeamWidth       HNSW construction beam width: how many candidate neighbours a vector's
 *                            insertion into the graph weighs (default {@value #DEFAULT_BEAM_WIDTH})
 * @param denseOversample     kNN walks the quantized graph for this many times the wanted
 *                            candidates and keeps the best (default 2.0): a wider search finds more
 *                            of the exact nearest neighbours
 * @param walBytesBeforeCommit with {@link Durability#WAL}: once the log holds this many bytes the
 *                            index is committed and the log truncated (default 64 MiB)
 * @param searchThreads       threads one search may use to visit segments in parallel
 * @param vectorEncoding      how the HNSW graph's copy of each vector is quantized (default
 *                            {@link VectorEncoding#INT8}); the full-precision vector is kept either
 *                            way (for merges, export and rescoring). Applies to segments written
 *                            from then on; each segment records its own encoding, so a store may
 *                            mix them.
 * @param rescore             re-rank the kNN candidates on their full-precision vectors (default
 *                            false; always on for {@link VectorEncoding#BBQ}, whose one-bit scores
 *                            rank poorly): int8 scores already rank the candidates almost as exact
 *                            search does, and rescoring reads a 1,536-byte vector per candidate from
 *                            a file that then stays resident, about three quarters of the index
 */
public record LuceneStoreConfig(Durability durability, int hnswMaxConnections, int hnswBeamWidth,
                                double denseOversample, long walBytesBeforeCommit, int searchThreads,
                                VectorEncoding vectorEncoding, boolean rescore) {
    /**
     * The default construction beam width. Lucene's own is 100; 64 builds and merges the graph in
     * about two thirds of the time, and the kNN search recall runs (100 candidates from a walk for
     * 200) finds the same share of the exact nearest neighbours (docs/BENCHMARKS.md, "Server":
     * "A narrower graph build"). Inserting vectors into the graph was the largest share of the
     * engine's own work per remembered turn.
     */
    public static final int DEFAULT_BEAM_WIDTH = 64;

    /** Quantization of the vectors the HNSW graph is built and searched on. */
    public enum VectorEncoding {
        /** One byte per dimension (384 bytes for a 384-d vector). */
        INT8,
        /**
         * One bit per dimension for stored vectors, four bits for the query (binary quantization,
         * "BBQ"): 48 bytes for a 384-d vector, so the searched part of the index is 8x smaller;
         * needs more oversampling for the same recall.
         */
        BBQ
    }

    /** How a write becomes durable before it is acknowledged. */
    public enum Durability {
        /**
         * Append the batch to a write-ahead log and fsync it (concurrent writers share one fsync:
         * group commit); the Lucene index is committed only now and then, and the log is replayed
         * on open.
         */
        WAL,
        /** Commit the Lucene index on every write; no log. Simpler, slower for small batches. */
        COMMIT_PER_WRITE
    }

    public LuceneStoreConfig {
        if (durability == null) {
            throw new InvalidInputException("durability", "is required (WAL or COMMIT_PER_WRITE)");
        }
        if (hnswMaxConnections < 2 || hnswMaxConnections > 512) {
            throw new InvalidInputException("hnswMaxConnections", "must be in 2..512, was " + hnswMaxConnections);
        }
        if (hnswBeamWidth < 1 || hnswBeamWidth > 3200) {
            throw new InvalidInputException("hnswBeamWidth", "must be in 1..3200, was " + hnswBeamWidth);
        }
        if (!(denseOversample >= 1.0 && denseOversample <= 20.0)) {
            throw new InvalidInputException("denseOversample", "must be in 1.0..20.0, was " + denseOversample);
        }
        if (searchThreads < 1 || searchThreads > 256) {
            throw new InvalidInputException("searchThreads", "must be in 1..256, was " + searchThreads);
        }
        if (vectorEncoding == null) {
            throw new InvalidInputException("vectorEncoding", "is required (INT8 or BBQ)");
        }
        if (walBytesBeforeCommit < 1024) {
            throw new InvalidInputException("walBytesBeforeCommit", "must be >= 1024, was " + walBytesBeforeCommit);
        }
    }

    public static LuceneStoreConfig defaults() {
        return new LuceneStoreConfig(Durability.WAL, 16, DEFAULT_BEAM_WIDTH, 2.0, 64L << 20,
                Math.min(4, Runtime.getRuntime().availableProcessors()), VectorEncoding.INT8, false);
    }

    public LuceneStoreConfig withDurability(Durability d) {
        return new LuceneStoreConfig(d, hnswMaxConnections, hnswBeamWidth, denseOversample, walBytesBeforeCommit,
                searchThreads, vectorEncoding, rescore);
    }

    public LuceneStoreConfig withWalBytesBeforeCommit(long bytes) {
        return new LuceneStoreConfig(durability, hnswMaxConnections, hnswBeamWidth, denseOversample, bytes,
                searchThreads, vectorEncoding, rescore);
    }

    /** Threads one search may use to visit index segments in parallel (1 = the caller's only). */
    public LuceneStoreConfig withSearchThreads(int threads) {
        return new LuceneStoreConfig(durability, hnswMaxConnections, hnswBeamWidth, denseOversample,
                walBytesBeforeCommit, threads, vectorEncoding, rescore);
    }

    /** The quantization of the graph's vectors for segments written from now on. */
    public LuceneStoreConfig withVectorEncoding(VectorEncoding encoding) {
        return new LuceneStoreConfig(durability, hnswMaxConnections, hnswBeamWidth, denseOversample,
                walBytesBeforeCommit, searchThreads, encoding, rescore);
    }

    /** How many times the wanted kNN candidates the graph search looks for before keeping the best. */
    public LuceneStoreConfig withDenseOversample(double oversample) {
        return new LuceneStoreConfig(durability, hnswMaxConnections, hnswBeamWidth, oversample,
                walBytesBeforeCommit, searchThreads, vectorEncoding, rescore);
    }

    /**
     * Whether kNN candidates are re-ranked on their full-precision vectors. On, the ranking is exact
     * among the candidates, but every query reads {@code denseTopN x denseOversample} float vectors
     * at random places of the largest file of the index, which the process then keeps resident.
     */
    public LuceneStoreConfig withRescoring(boolean on) {
        return new LuceneStoreConfig(durability, hnswMaxConnections, hnswBeamWidth, denseOversample,
                walBytesBeforeCommit, searchThreads, vectorEncoding, on);
    }

    /** The HNSW graph's degree M and construction beam width, for segments written from now on. */
    public LuceneStoreConfig withHnsw(int maxConnections, int beamWidth) {
        return new LuceneStoreConfig(durability, maxConnections, beamWidth, denseOversample, walBytesBeforeCommit,
                searchThreads, vectorEncoding, rescore);
    }
}
