package dev.loci.bench;

import dev.loci.Loci;
import dev.loci.Message;
import dev.loci.RecallQuery;
import dev.loci.Scope;
import dev.loci.embed.onnx.OnnxEmbedder;
import dev.loci.embed.onnx.OnnxEmbedderConfig;
import dev.loci.embedded.EmbeddedLoci;
import dev.loci.embedded.EmbeddedOptions;
import dev.loci.store.elasticsearch.ElasticsearchMemoryStore;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Ingest throughput of the embedded engine next to the embedder's own batched throughput on the
 * same texts, in the same process, alternating rounds (medians reported); then end-to-end recall
 * latency (query embedding included) on the last store built.
 */
public final class IngestBenchmark {
    /**
     * Settings.
     *
     * @param engine the engine's options for a round's fresh data directory (the Lucene store in it by
     *               default; an Elasticsearch index of its own per round, deleted after the round)
     */
    public record Options(int turns, int batch, int rounds, int queries, Path workDir,
                          Function<Path, EmbeddedOptions> engine) {
        /** The embedded defaults: a Lucene store in each round's directory. */
        public Options(int turns, int batch, int rounds, int queries, Path workDir) {
            this(turns, batch, rounds, queries, workDir, dir -> EmbeddedOptions.defaults());
        }
    }

    private IngestBenchmark() {
    }

    public static void run(Options o, PrintStream out) throws Exception {
        List<String> texts = SyntheticChat.turns(o.turns(), 7);
        long tokensApprox = texts.stream().mapToLong(t -> t.split(" ").length).sum();
        out.printf(Locale.ROOT, "ingest benchmark: %d synthetic turns (mean %.1f words), remember batches of %d, %d rounds%n",
                o.turns(), tokensApprox / (double) o.turns(), o.batch(), o.rounds());
        double[] embedRates = new double[o.rounds()];
        double[] ingestRates = new double[o.rounds()];
        Path lastDir = null;
        try (OnnxEmbedder embedder = OnnxEmbedder.create(OnnxEmbedderConfig.defaults())) {
            embedder.embedDocuments(texts.subList(0, Math.min(256, texts.size())));
            for (int r = 0; r < o.rounds(); r++) {
                long t0 = System.nanoTime();
                for (int from = 0; from < texts.size(); from += o.batch()) {
                    embedder.embedDocuments(texts.subList(from, Math.min(texts.size(), from + o.batch())));
                }
                embedRates[r] = texts.size() / ((System.nanoTime() - t0) / 1e9);

                lastDir = Files.createTempDirectory(o.workDir(), "ingest-");
                EmbeddedOptions options = o.engine().apply(lastDir);
                if (r == 0) {
                    out.println("store: " + (options.elasticsearch() == null ? "lucene (embedded)"
                            : "elasticsearch " + options.elasticsearch().hosts() + ", " + options.elasticsearch().shards()
                            + " shards, " + options.elasticsearch().replicas() + " replica(s)"));
                }
                try (Loci loci = EmbeddedLoci.open(lastDir, options)) {
                    loci.remember(Scope.user("bench", "warmup"), List.of(Message.of("w", "warm up the model", null)));
                    var scope = Scope.user("bench", "u1");
                    long t1 = System.nanoTime();
                    for (int from = 0; from < texts.size(); from += o.batch()) {
                        var msgs = new ArrayList<Message>();
                        for (int i = from; i < Math.min(texts.size(), from + o.batch()); i++) {
                            msgs.add(new Message("user", "speaker" + (i % 2), texts.get(i),
                                    Instant.ofEpochSecond(1_700_000_000L + i), "turn-" + i, null));
                        }
                        loci.remember(scope, msgs);
                    }
                    ingestRates[r] = texts.size() / ((System.nanoTime() - t1) / 1e9);
                    if (r == o.rounds() - 1) {
                        var stats = loci.stats();
                        out.printf(Locale.ROOT, "store: %d memories, %d bytes on disk (%d bytes/memory), %s%n",
                                stats.memories(), stats.diskBytes(), stats.diskBytes() / Math.max(1, stats.memories()),
                                Stats.rss());
                        recallLatency(loci, scope, o.queries(), out);
                    }
                }
                if (options.elasticsearch() != null) {
                    ElasticsearchMemoryStore.deleteIndex(options.elasticsearch());
                }
                out.printf(Locale.ROOT, "round %d: embedder %.0f texts/s, ingest %.0f turns/s (%.0f%%)%n",
                        r + 1, embedRates[r], ingestRates[r], 100 * ingestRates[r] / embedRates[r]);
            }
        }
        double e = median(embedRates);
        double i = median(ingestRates);
        out.printf(Locale.ROOT, "MEDIAN: embedder %.0f texts/s, ingest %.0f turns/s, ratio %.0f%%%n", e, i, 100 * i / e);
    }

    private static void recallLatency(Loci loci, Scope scope, int queries, PrintStream out) {
        List<String> questions = SyntheticChat.turns(queries + 50, 99).stream()
                .map(t -> "What did " + t.split("\\.")[0].replaceFirst("^\\S+( \\S+,)? ", "") + "?").toList();
        for (int i = 0; i < 50; i++) {
            loci.recall(scope, RecallQuery.of(questions.get(i)));
        }
        long[] nanos = new long[queries];
        for (int i = 0; i < queries; i++) {
            long t = System.nanoTime();
            loci.recall(scope, RecallQuery.of(questions.get(50 + i)));
            nanos[i] = System.nanoTime() - t;
        }
        out.printf(Locale.ROOT, "recall at %d memories, real query embedding included, k=10, hybrid: %s%n",
                loci.stats().memories(), Stats.latency(nanos));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
