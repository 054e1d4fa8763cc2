package dev.loci.bench;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.spi.StoredMemory;
import dev.loci.store.lucene.LuceneMemoryStore;
import dev.loci.store.lucene.LuceneStoreConfig;
import dev.loci.store.lucene.LuceneStoreConfig.Durability;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Write throughput of the two durability modes (log + group commit, or a Lucene commit per
 * write) for several batch sizes and writer thread counts. Vectors are synthetic, so this
 * measures the store alone.
 */
public final class DurabilityBenchmark {
    /** Settings: how many memories each configuration writes. */
    public record Options(int memoriesPerCase, Path workDir) {
    }

    private DurabilityBenchmark() {
    }

    public static void run(Options o, PrintStream out) throws Exception {
        var topics = new SyntheticChat.Topics(50, 384, 3);
        out.println("durability   batch threads   memories/s   writes/s");
        for (Durability d : Durability.values()) {
            for (int batch : new int[] {1, 16, 256}) {
                for (int threads : new int[] {1, 4}) {
                    int total = batch == 1 && d == Durability.COMMIT_PER_WRITE
                            ? Math.min(o.memoriesPerCase(), 400) : o.memoriesPerCase();
                    double rate = measure(d, batch, threads, total, topics, o.workDir());
                    out.printf(Locale.ROOT, "%-16s %4d %6d %12.0f %10.0f%n", d, batch, threads, rate, rate / batch);
                }
            }
        }
    }

    private static double measure(Durability d, int batch, int threads, int total, SyntheticChat.Topics topics,
                                  Path workDir) throws Exception {
        Path dir = Files.createTempDirectory(workDir, "durability-");
        var scope = Scope.user("bench", "u1");
        var counter = new AtomicInteger();
        List<List<StoredMemory>> batches = new ArrayList<>();
        Instant at = Instant.parse("2024-01-01T00:00:00Z");
        for (int from = 0; from < total; from += batch) {
            var b = new ArrayList<StoredMemory>();
            for (int i = from; i < Math.min(total, from + batch); i++) {
                String text = topics.text(i % 50, 12);
                var m = new Memory("m" + i, scope, Kind.TURN, text, null, null, at, at, at, null, null, List.of(),
                        null, List.of(), 1, 0.5, Map.of());
                b.add(new StoredMemory(m, topics.vector(i % 50, 0.6f), text));
            }
            batches.add(b);
        }
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults().withDurability(d))) {
            long t0 = System.nanoTime();
            var workers = new ArrayList<Thread>();
            for (int t = 0; t < threads; t++) {
                workers.add(Thread.ofPlatform().start(() -> {
                    for (int i; (i = counter.getAndIncrement()) < batches.size(); ) {
                        store.write(batches.get(i));
                    }
                }));
            }
            for (Thread w : workers) {
                w.join();
            }
            return total / ((System.nanoTime() - t0) / 1e9);
        }
    }
}
