package dev.loci.bench;

import dev.loci.RecallConfig;
import dev.loci.engine.LociEngine;
import dev.loci.Kind;
import dev.loci.Loci;
import dev.loci.LociConfig;
import dev.loci.Memory;
import dev.loci.RecallQuery;
import dev.loci.Scope;
import dev.loci.embed.onnx.OnnxEmbedder;
import dev.loci.embed.onnx.OnnxEmbedderConfig;
import dev.loci.spi.Embedding;
import dev.loci.spi.StoredMemory;
import dev.loci.store.lucene.LuceneMemoryStore;
import dev.loci.store.lucene.LuceneStoreConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Recall latency of the store part at growing sizes, on topic-structured synthetic vectors and
 * texts written straight into the Lucene store (all in one user's scope: the worst case, since
 * the filter does not narrow the search), through the full Loci recall path (BM25 top 100 + kNN
 * top 100 + fusion). Query embedding with the real model is measured separately.
 */
public final class RecallBenchmark {
    private static final int DIMS = 384;
    private static final int WRITE_BATCH = 2000;

    /** Settings. */
    public record Options(List<Integer> sizes, int queries, Path workDir) {
    }

    private RecallBenchmark() {
    }

    public static void run(Options o, PrintStream out) throws Exception {
        queryEmbedding(o.queries(), out);
        for (int size : o.sizes()) {
            storeLatency(size, o.queries(), o.workDir(), out);
        }
    }

    private static void queryEmbedding(int queries, PrintStream out) {
        List<String> questions = SyntheticChat.turns(queries + 50, 5).stream()
                .map(t -> "When did " + t.split("\\.")[0] + "?").toList();
        try (OnnxEmbedder embedder = OnnxEmbedder.create(OnnxEmbedderConfig.defaults())) {
            for (int i = 0; i < 50; i++) {
                embedder.embedQuery(questions.get(i));
            }
            long[] nanos = new long[queries];
            for (int i = 0; i < queries; i++) {
                long t = System.nanoTime();
                embedder.embedQuery(questions.get(50 + i));
                nanos[i] = System.nanoTime() - t;
            }
            out.printf(Locale.ROOT, "query embedding (%s, one query at a time): %s%n", embedder.modelId(),
                    Stats.latency(nanos));
        }
    }

    private static void storeLatency(int size, int queries, Path workDir, PrintStream out) throws Exception {
        var topics = new SyntheticChat.Topics(Math.max(50, size / 200), DIMS, size);
        var random = new Random(size);
        Path dir = Files.createTempDirectory(workDir, "recall-" + size + "-");
        var scope = Scope.user("bench", "u1");
        Map<String, Embedding> queryVectors = new HashMap<>();
        List<String> queryTexts = new ArrayList<>();
        for (int q = 0; q < queries + 100; q++) {
            int topic = random.nextInt(topics.topics());
            String text = q + " " + topics.text(topic, 4);
            queryTexts.add(text);
            queryVectors.put(text, topics.vector(topic, 0.6f));
        }
        long t0 = System.nanoTime();
        try (LuceneMemoryStore store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            var batch = new ArrayList<StoredMemory>(WRITE_BATCH);
            Instant base = Instant.parse("2023-01-01T00:00:00Z");
            for (int i = 0; i < size; i++) {
                int topic = random.nextInt(topics.topics());
                String text = topics.text(topic, 8 + random.nextInt(25));
                Instant at = base.plusSeconds(i * 60L);
                var m = new Memory("m" + i, scope, Kind.TURN, text, "user", "s" + (i % 2), at, at, at, null,
                        null, List.of(), null, List.of(), 1, 0.5, Map.of());
                batch.add(new StoredMemory(m, topics.vector(topic, 0.6f), text));
                if (batch.size() == WRITE_BATCH) {
                    store.write(batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                store.write(batch);
            }
            store.checkpoint();
            double buildSeconds = (System.nanoTime() - t0) / 1e9;
            try (LociEngine loci = LociEngine.builder().store(store).embedder(new LookupEmbedder(queryVectors, DIMS)).build()) {
                for (int q = 0; q < 100; q++) {
                    loci.recall(scope, RecallQuery.of(queryTexts.get(q)));
                }
                var hybrid = RecallConfig.defaults();
                long[] nanos = measure(loci, scope, queryTexts, queries, hybrid);
                long[] lexical = measure(loci, scope, queryTexts, queries, hybrid.lexicalOnly());
                long[] dense = measure(loci, scope, queryTexts, queries, hybrid.denseOnly());
                var stats = store.stats();
                out.printf(Locale.ROOT, "store at %,d memories: recall (store + fusion, k=10, 100+100 candidates) %s;"
                                + " built at %.0f memories/s; %d bytes/memory on disk; %s segments; %s%n",
                        size, Stats.latency(nanos), size / buildSeconds, stats.diskBytes() / size,
                        stats.details().get("segments"), Stats.rss());
                out.printf(Locale.ROOT, "  of which BM25 alone (top 100): %s; kNN alone (top 100): %s%n",
                        Stats.latency(lexical), Stats.latency(dense));
            }
        }
    }

    private static long[] measure(LociEngine loci, Scope scope, List<String> queryTexts, int queries,
                                  RecallConfig config) {
        long[] nanos = new long[queries];
        for (int q = 0; q < queries; q++) {
            long t = System.nanoTime();
            loci.recall(scope, RecallQuery.of(queryTexts.get(100 + q)), config);
            nanos[q] = System.nanoTime() - t;
        }
        return nanos;
    }
}
