package dev.loci.bench.jmh;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.spi.Embedding;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchHits;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.StoredMemory;
import dev.loci.store.lucene.LuceneMemoryStore;
import dev.loci.store.lucene.LuceneStoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Store search under the scope filter, 20,000 memories merged to one segment: one user holding
 * them all (the filter narrows nothing) against 200 users of 100 (it leaves 100), for BM25 and
 * for kNN (where Lucene should take the exact path for so few candidates).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FilterBench {
    private static final int SIZE = 20_000;
    private static final int DIMS = 384;
    private static final int TOPICS = 100;

    @Param({"single", "tenants"})
    public String layout;

    private Path dir;
    private LuceneMemoryStore store;
    private final List<SearchRequest> requests = new ArrayList<>();
    private int next;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("loci-filter-bench");
        store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults());
        var random = new Random(7);
        float[][] centers = new float[TOPICS][];
        for (int t = 0; t < TOPICS; t++) {
            centers[t] = gaussian(random, 1f, null);
        }
        int users = "single".equals(layout) ? 1 : SIZE / 100;
        var batch = new ArrayList<StoredMemory>();
        Instant at = Instant.parse("2023-01-01T00:00:00Z");
        for (int i = 0; i < SIZE; i++) {
            int topic = random.nextInt(TOPICS);
            String text = "t" + topic + " word" + random.nextInt(50) + " other" + random.nextInt(500) + " friend home";
            var m = new Memory("m" + i, dev.loci.Scope.user("bench", "u" + (i % users)), Kind.TURN, text, "user", null,
                    at, at, at, null, null, List.of(), null, List.of(), 1, 0.5, Map.of());
            batch.add(new StoredMemory(m, Embedding.normalized(gaussian(random, 0.6f, centers[topic])), text));
            if (batch.size() == 2000) {
                store.write(batch);
                batch.clear();
            }
        }
        store.forceMerge();
        for (int q = 0; q < 64; q++) {
            int topic = random.nextInt(TOPICS);
            var filter = SearchFilter.of(dev.loci.Scope.user("bench", "u" + random.nextInt(users)));
            requests.add(new SearchRequest(filter, "t" + topic + " friend word" + random.nextInt(50),
                    Embedding.normalized(gaussian(random, 0.6f, centers[topic])), 0, 0));
        }
    }

    private static float[] gaussian(Random r, float scale, float[] center) {
        float[] v = new float[DIMS];
        for (int i = 0; i < DIMS; i++) {
            v[i] = (float) (r.nextGaussian() / Math.sqrt(DIMS) * scale) + (center == null ? 0 : center[i]);
        }
        return v;
    }

    private SearchRequest nextRequest(int lexical, int dense) {
        SearchRequest r = requests.get(next++ & 63);
        return new SearchRequest(r.filter(), r.text(), r.vector(), lexical, dense);
    }

    @Benchmark
    public SearchHits knnTop100() {
        return store.search(nextRequest(0, 100));
    }

    @Benchmark
    public SearchHits bm25Top100() {
        return store.search(nextRequest(100, 0));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
