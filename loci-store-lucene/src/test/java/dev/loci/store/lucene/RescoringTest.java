package dev.loci.store.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.spi.Embedding;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.StoreHit;
import dev.loci.spi.StoredMemory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kNN ranked by the int8 scores (the default) against ranked on full-precision vectors: both keep
 * almost all of the exact top 10, the quantized cosines are close to the exact ones, rescoring
 * reports the exact cosines, and one-bit vectors are always rescored.
 */
class RescoringTest {
    private static final Scope MAYA = Scope.user("t", "maya");
    private static final Instant T = Instant.parse("2024-03-01T10:00:00Z");
    private static final int DIMS = 64;
    private static final int SIZE = 2_000;
    private static final int QUERIES = 40;

    @TempDir
    Path dir;

    private final Random random = new Random(20);
    private final List<float[]> vectors = new ArrayList<>();

    /** Vectors around 30 topic centres, so neighbours are close and ties are many: a hard case for int8. */
    private List<StoredMemory> clustered() {
        var centres = IntStream.range(0, 30).mapToObj(i -> gaussian(1f)).toList();
        var out = new ArrayList<StoredMemory>();
        for (int i = 0; i < SIZE; i++) {
            float[] c = centres.get(i % centres.size());
            float[] noise = gaussian(0.6f);
            float[] v = new float[DIMS];
            for (int d = 0; d < DIMS; d++) {
                v[d] = c[d] + noise[d];
            }
            Embedding e = Embedding.normalized(v);
            vectors.add(e.toArray());
            var m = new Memory("m" + i, MAYA, Kind.TURN, "turn " + i, "user", null, T, T, T, null, null, List.of(),
                    null, List.of(), 1, 0.5, Map.of());
            out.add(new StoredMemory(m, e, m.text()));
        }
        return out;
    }

    private float[] gaussian(float scale) {
        float[] v = new float[DIMS];
        for (int d = 0; d < DIMS; d++) {
            v[d] = (float) random.nextGaussian() * scale;
        }
        return v;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int d = 0; d < a.length; d++) {
            dot += a[d] * b[d];
        }
        return dot; // both normalised
    }

    private record Measured(double recallAt10, double worstScoreError) {
    }

    private Measured measure(LuceneStoreConfig config, String name) throws Exception {
        return measure(config, name, 100);
    }

    /** Asks each query for {@code wanted} candidates and scores their top 10 against the exact top 10. */
    private Measured measure(LuceneStoreConfig config, String name, int wanted) throws Exception {
        vectors.clear();
        random.setSeed(20);
        var memories = clustered();
        try (var store = LuceneMemoryStore.open(dir.resolve(name), config)) {
            store.write(memories);
            long found = 0;
            double worst = 0;
            for (int q = 0; q < QUERIES; q++) {
                float[] query = vectors.get(random.nextInt(SIZE)).clone();
                float[] jitter = gaussian(0.3f);
                for (int d = 0; d < DIMS; d++) {
                    query[d] += jitter[d];
                }
                Embedding target = Embedding.normalized(query);
                float[] t = target.toArray();
                var exact = IntStream.range(0, SIZE).boxed()
                        .sorted(Comparator.comparingDouble((Integer i) -> -cosine(vectors.get(i), t)))
                        .limit(10).map(i -> "m" + i).toList();
                List<StoreHit> dense = store.search(new SearchRequest(SearchFilter.of(MAYA), "", target, 0, wanted)).dense();
                assertEquals(wanted, dense.size());
                var top = new HashSet<String>();
                dense.subList(0, 10).forEach(h -> top.add(h.id()));
                found += exact.stream().filter(top::contains).count();
                for (StoreHit h : dense) {
                    double truth = cosine(vectors.get(Integer.parseInt(h.id().substring(1))), t);
                    worst = Math.max(worst, Math.abs(truth - h.score()));
                }
                for (int i = 1; i < dense.size(); i++) {
                    assertTrue(dense.get(i - 1).score() >= dense.get(i).score(), "hits come best first");
                }
            }
            return new Measured((double) found / (QUERIES * 10), worst);
        }
    }

    @Test
    void int8ScoresRankAlmostAsExactSearchDoesAndRescoringReportsExactCosines() throws Exception {
        var quantized = measure(LuceneStoreConfig.defaults(), "int8");
        var rescored = measure(LuceneStoreConfig.defaults().withRescoring(true), "rescored");
        assertTrue(quantized.recallAt10() >= 0.95, "int8 ranking keeps the exact top 10: " + quantized);
        assertTrue(rescored.recallAt10() >= quantized.recallAt10() - 0.01, rescored + " vs " + quantized);
        assertTrue(quantized.worstScoreError() < 0.02, "int8 cosines near the exact ones: " + quantized);
        assertTrue(quantized.worstScoreError() > 1e-6, "the default does not rescore: " + quantized);
        assertTrue(rescored.worstScoreError() < 1e-4, "rescored cosines are exact: " + rescored);
    }

    @Test
    void theDefaultNarrowerGraphBuildFindsTheExactTopTenAsLucenesDefaultDoes() throws Exception {
        var lucene = LuceneStoreConfig.defaults().withHnsw(16, 100);
        var asRecallAsks = measure(LuceneStoreConfig.defaults(), "default");
        var asRecallAsksWide = measure(lucene, "beam100");
        assertTrue(asRecallAsks.recallAt10() >= asRecallAsksWide.recallAt10() - 0.01, asRecallAsks + " vs " + asRecallAsksWide);
        // Asking for only ten candidates leans on the graph alone (a walk for 20 of 2,000 vectors): there
        // the narrower build finds a few points fewer (0.86 against 0.89 here; 0.90 against 0.93 at
        // 100k in the recall benchmark), which recall, asking for 100, never sees.
        var strict = measure(LuceneStoreConfig.defaults(), "default-strict", 10);
        var strictWide = measure(lucene, "beam100-strict", 10);
        var strictNarrow = measure(LuceneStoreConfig.defaults().withHnsw(16, 4), "beam4-strict", 10);
        assertTrue(strict.recallAt10() >= strictWide.recallAt10() - 0.05, strict + " vs " + strictWide);
        assertTrue(strictNarrow.recallAt10() < strict.recallAt10(), "the measure sees a poor graph: " + strictNarrow);
    }

    @Test
    void oneBitVectorsAreAlwaysRescored() throws Exception {
        var bbq = measure(LuceneStoreConfig.defaults().withVectorEncoding(LuceneStoreConfig.VectorEncoding.BBQ), "bbq");
        assertTrue(bbq.worstScoreError() < 1e-4, "one-bit candidates are rescored: " + bbq);
    }
}
