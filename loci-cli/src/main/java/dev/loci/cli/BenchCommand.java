package dev.loci.cli;

import dev.loci.bench.DurabilityBenchmark;
import dev.loci.bench.IngestBenchmark;
import dev.loci.bench.RecallBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import dev.loci.embedded.EmbeddedOptions;
import dev.loci.server.cli.StoreChoice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loci bench}: the speed benchmarks behind docs/BENCHMARKS.md. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: ingest | recall | durability | server | crash | soak | jmh (see docs/BENCHMARKS.md, "
                + "docs/RELIABILITY.md).")
final class BenchCommand implements Callable<Integer> {
    @picocli.CommandLine.Parameters(index = "0", paramLabel = "WHAT", description = "ingest, recall, durability, server, crash, soak or jmh")
    String what;

    @Option(names = "--turns", defaultValue = "10000", description = "ingest: synthetic turns (default 10000).")
    int turns;

    @Option(names = "--batch", defaultValue = "256", description = "ingest: messages per remember call (default 256).")
    int batch;

    @Option(names = "--messages-per-call", defaultValue = "0", paramLabel = "N",
            description = "server: messages in each remember call of the remember-only rounds (default 0: 1 or 2 at random).")
    int messagesPerCall;

    @Option(names = "--rounds", defaultValue = "3", description = "ingest: alternating rounds (default 3).")
    int rounds;

    @Option(names = "--sizes", split = ",", defaultValue = "10000,100000",
            description = "recall: store sizes (default 10000,100000).")
    List<Integer> sizes;

    @Option(names = "--queries", defaultValue = "1000", description = "queries per measurement (default 1000).")
    int queries;

    @Option(names = "--layout", defaultValue = "single",
            description = "recall: single (one user holds every memory) or tenants (100 memories per user; default single).")
    String layout;

    @Option(names = "--json", description = "recall: also write the figures to this JSON file.")
    Path json;

    @Option(names = "--vectors", defaultValue = "int8", description = "recall: graph vector quantization, int8 or bbq (default int8).")
    String vectors;

    @Option(names = "--no-merge", description = "recall: measure the segments as written instead of merging to one first.")
    boolean noMerge;

    @Option(names = "--rescore", defaultValue = "off", paramLabel = "off|on|both",
            description = "recall: rank kNN candidates by their quantized scores (off, the store's default), rescore them "
                    + "on full-precision vectors (on), or measure both over the same built store (default off).")
    String rescore;

    @Option(names = "--onnx-threads", defaultValue = "1", description = "recall: ONNX Runtime threads per query embedding (default 1).")
    int onnxThreads;

    @Option(names = "--include", description = "jmh: only benchmarks whose name matches this regular expression.")
    String include;

    @Option(names = "--per-case", defaultValue = "4000", description = "durability: memories per case (default 4000).")
    int perCase;

    @Option(names = "--trials", defaultValue = "20", description = "crash: kills of the server (default 20).")
    int trials;

    @Option(names = "--clients", paramLabel = "N",
            description = "crash: concurrent writers (default 8); soak: concurrent clients (default 4).")
    Integer clients;

    @Option(names = "--minutes", defaultValue = "10", paramLabel = "M",
            description = "soak: how long the traffic runs, in minutes (default 10; fractions allowed).")
    double minutes;

    @Option(names = "--steady", defaultValue = "0", paramLabel = "N",
            description = "soak: once the store holds about N memories, forget about as much as is added, so its size "
                    + "stays near N (default 0: the store grows).")
    long steady;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "R",
            description = "soak: at most R requests a second across all clients (default 0: as fast as answered).")
    double rate;

    @Option(names = "--heap", defaultValue = "512", paramLabel = "MiB",
            description = "soak: the server's heap cap in MiB (default 512; 0: the JVM's default, a quarter of RAM).")
    int heap;

    @Option(names = "--seed", defaultValue = "1", description = "crash: seed of the kill moments; soak: seed of the traffic (default 1).")
    long seed;

    @Option(names = "--work-dir", description = "Where temporary stores go (default: system temp).")
    Path workDir;

    @Option(names = "--beside-embedded",
            description = "ingest, recall: with --store elasticsearch, measure the embedded store too, first, in the "
                    + "same run (same data, same queries), so the two are compared at the same machine load.")
    boolean besideEmbedded;

    @Mixin
    StoreChoice store;

    @Override
    public Integer call() throws Exception {
        boolean bothStores = "ingest".equals(what) || "recall".equals(what);
        if (store.elasticsearch() && !bothStores) {
            throw new dev.loci.InvalidInputException("--store", "bench " + what + " measures the embedded store only; "
                    + "--store elasticsearch applies to bench ingest and bench recall");
        }
        if (besideEmbedded && !(bothStores && store.elasticsearch())) {
            throw new dev.loci.InvalidInputException("--beside-embedded", bothStores
                    ? "compares the embedded store with a cluster: add --store elasticsearch (and --es-hosts)"
                    : "applies to bench ingest and bench recall");
        }
        if (store.elasticsearch() && !store.isThrowaway()) {
            throw new dev.loci.InvalidInputException("--es-index", "bench " + what + " writes to throwaway indices of its "
                    + "own and deletes them; leave --es-index out");
        }
        if ("recall".equals(what) && store.elasticsearch() && !besideEmbedded
                && (!"int8".equalsIgnoreCase(vectors) || !"off".equalsIgnoreCase(rescore))) {
            throw new dev.loci.InvalidInputException(!"int8".equalsIgnoreCase(vectors) ? "--vectors" : "--rescore",
                    "set how the embedded store keeps and ranks vectors; the cluster's index has its own "
                            + "(int8 HNSW, rescored): add --beside-embedded or leave it out");
        }
        if ("soak".equals(what) && !(minutes > 0 && minutes <= 7 * 24 * 60)) {
            throw new dev.loci.InvalidInputException("--minutes", "must be more than 0 and at most a week (10080), was "
                    + minutes);
        }
        if ("soak".equals(what) && clients != null && (clients < 1 || clients > 64)) {
            throw new dev.loci.InvalidInputException("--clients", "must be in 1..64, was " + clients);
        }
        if ("soak".equals(what) && steady < 0) {
            throw new dev.loci.InvalidInputException("--steady", "must be 0 (off) or a number of memories, was "
                    + steady);
        }
        if ("soak".equals(what) && !(rate >= 0 && rate <= 10_000)) {
            throw new dev.loci.InvalidInputException("--rate", "must be 0 (unpaced) or up to 10000 requests a second, "
                    + "was " + rate);
        }
        if ("soak".equals(what) && heap != 0 && (heap < 64 || heap > 1 << 20)) {
            throw new dev.loci.InvalidInputException("--heap", "must be 0 (the JVM's default) or 64..1048576 MiB, was "
                    + heap);
        }
        try {
            return measure();
        } catch (RuntimeException e) {
            throw store.explain(e);
        }
    }

    private int measure() throws Exception {
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("loci-bench");
        System.out.println("java " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, max heap " + Runtime.getRuntime().maxMemory() / 1048576 + " MiB");
        switch (what) {
            case "ingest" -> {
                if (store.elasticsearch()) {
                    // fail now, not after the embedded store's rounds
                    probeCluster(store.applyThrowaway(EmbeddedOptions.defaults(), throwawayIndex("ingest"))
                            .elasticsearch());
                }
                if (besideEmbedded) {
                    System.out.println("== the embedded store ==");
                    IngestBenchmark.run(new IngestBenchmark.Options(turns, batch, rounds, queries, dir), System.out);
                    System.out.println("== the Elasticsearch cluster ==");
                }
                IngestBenchmark.run(new IngestBenchmark.Options(turns, batch, rounds, queries, dir,
                        d -> store.applyThrowaway(EmbeddedOptions.defaults(), "loci-bench-"
                                + d.getFileName().toString().toLowerCase(java.util.Locale.ROOT)
                                .replaceAll("[^a-z0-9_-]", "-"))), System.out);
            }
            case "recall" -> RecallBenchmark.run(new RecallBenchmark.Options(sizes, queries, dir,
                    RecallBenchmark.Layout.parse(layout), json, vectorEncoding(), !noMerge, onnxThreads,
                    rescoring(), recallStores()), System.out);
            case "jmh" -> dev.loci.bench.jmh.Microbenchmarks.run(include);
            case "durability" -> DurabilityBenchmark.run(new DurabilityBenchmark.Options(perCase, dir), System.out);
            case "server" -> {
                if (messagesPerCall < 0 || messagesPerCall > 100) {
                    throw new dev.loci.InvalidInputException("--messages-per-call", "must be 0..100, was " + messagesPerCall);
                }
                dev.loci.server.bench.ServerBenchmark.run(dir, queries, messagesPerCall, System.out);
            }
            case "crash" -> {
                long lost = dev.loci.server.bench.CrashBenchmark.run(
                        new dev.loci.server.bench.CrashBenchmark.Options(trials, clients == null ? 8 : clients, seed, dir),
                        System.out);
                return lost == 0 ? 0 : 1;
            }
            case "soak" -> {
                long failures = SoakBenchmark.run(new SoakBenchmark.Options(minutes, clients == null ? 4 : clients, seed,
                        dir, steady, rate, heap), System.out);
                return failures == 0 ? 0 : 1;
            }
            default -> throw new dev.loci.InvalidInputException("WHAT", "'" + what
                    + "' is not a benchmark; use ingest, recall, durability, server, crash, soak or jmh");
        }
        return 0;
    }

    /** The embedded store, the cluster, or both in that order. */
    private List<RecallBenchmark.Target> recallStores() {
        if (!store.elasticsearch()) {
            return List.of(RecallBenchmark.Target.EMBEDDED);
        }
        var cluster = RecallBenchmark.Target.elasticsearch(
                store.applyThrowaway(EmbeddedOptions.defaults(), throwawayIndex("recall")).elasticsearch());
        return besideEmbedded ? List.of(RecallBenchmark.Target.EMBEDDED, cluster) : List.of(cluster);
    }

    /** A name no other run on the cluster uses; the benchmark appends what it needs and deletes the index. */
    private static String throwawayIndex(String what) {
        return "loci-bench-" + what + "-" + Long.toString(ProcessHandle.current().pid(), 36) + "-"
                + Long.toString(System.currentTimeMillis() % 1_000_000L, 36);
    }

    /** Opens (and so creates) a throwaway index and deletes it: a missing or unusable cluster fails here. */
    private static void probeCluster(dev.loci.store.elasticsearch.ElasticsearchStoreConfig config) {
        var s = dev.loci.store.elasticsearch.ElasticsearchMemoryStore.open(config); // no node: fails here, clearly
        try (s) {
            s.stats();
        } finally {
            dev.loci.store.elasticsearch.ElasticsearchMemoryStore.deleteIndex(config);
        }
    }

    private List<Boolean> rescoring() {
        return switch (rescore.toLowerCase(java.util.Locale.ROOT)) {
            case "off" -> List.of(false);
            case "on" -> List.of(true);
            case "both" -> List.of(false, true);
            default -> throw new dev.loci.InvalidInputException("--rescore", "must be off, on or both, was '" + rescore + "'");
        };
    }

    private dev.loci.store.lucene.LuceneStoreConfig.VectorEncoding vectorEncoding() {
        return switch (vectors.toLowerCase(java.util.Locale.ROOT)) {
            case "int8" -> dev.loci.store.lucene.LuceneStoreConfig.VectorEncoding.INT8;
            case "bbq" -> dev.loci.store.lucene.LuceneStoreConfig.VectorEncoding.BBQ;
            default -> throw new dev.loci.InvalidInputException("--vectors", "must be int8 or bbq, was '" + vectors + "'");
        };
    }
}
