package dev.loci.bench;

import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.RecallConfig;
import dev.loci.RecallQuery;
import dev.loci.Scope;
import dev.loci.embed.onnx.OnnxEmbedder;
import dev.loci.embed.onnx.OnnxEmbedderConfig;
import dev.loci.engine.LociEngine;
import dev.loci.spi.Embedder;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.StoreHit;
import dev.loci.spi.StoredMemory;
import dev.loci.store.elasticsearch.ElasticsearchMemoryStore;
import dev.loci.store.elasticsearch.ElasticsearchStoreConfig;
import dev.loci.store.lucene.LuceneMemoryStore;
import dev.loci.store.lucene.LuceneStoreConfig;
import dev.loci.store.lucene.LuceneStoreConfig.VectorEncoding;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.lucene.codecs.CompoundDirectory;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.VectorUtil;

/**
 * Recall latency, throughput, ANN recall and footprint at growing store sizes, on topic-structured
 * synthetic vectors and texts written straight into the Lucene store, searched through the full
 * Loci recall path (BM25 top 100 + kNN top 100 + fusion, k = 10).
 *
 * <p>Two layouts: {@link Layout#SINGLE} puts every memory in one user's scope (the scope filter
 * narrows nothing); {@link Layout#TENANTS} gives each user {@value #PER_USER} memories and queries
 * one user (the filter leaves {@value #PER_USER} candidates).
 *
 * <p>The store is built in this process, then measured in a fresh JVM that only opens it and
 * serves queries with the real embedding model, the way a restarted server would: its resident
 * memory is the figure a deployment pays, not the build's leftovers. A JVM serving an empty store
 * gives the fixed cost (JVM + model). The query embedding runs the real model on a
 * realistic question per query, while the store is searched with the synthetic query vector
 * (the model's vectors do not live in the synthetic space).
 *
 * <p>The same data and queries can go to an Elasticsearch cluster instead ({@link Target}), or to
 * both stores one after the other in one run: the store is then a throwaway index on the cluster,
 * written through the Elasticsearch store, force-merged like the embedded one, searched from a
 * fresh serving process the same way, and deleted at the end, also when the run fails. Figures
 * that describe the serving process's own memory per memory do not apply to it: the memories live
 * in the cluster's nodes.
 */
public final class RecallBenchmark {
    static final int DIMS = 384;
    static final int PER_USER = 100;
    private static final int WRITE_BATCH = 2000;
    /** Queries run before measuring (fewer when fewer are measured). */
    private static final int WARMUP = 100;
    private static final int EXACT_QUERIES = 200;
    private static final int TOP = 10;
    private static final int[] CALLERS = {1, 4, 16};
    private static final String RESULT = "RESULT ";
    /** Heap of the measuring process unless -Xmx is given: serving needs ~50 MiB live. */
    static final List<String> SERVE_HEAP = List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch");

    /** Which scopes the memories go to. */
    public enum Layout {
        /** One user holds every memory. */
        SINGLE,
        /** {@value RecallBenchmark#PER_USER} memories per user; queries name one user. */
        TENANTS;

        /** Parses {@code single} or {@code tenants}. */
        public static Layout parse(String s) {
            return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
                case "single" -> SINGLE;
                case "tenants" -> TENANTS;
                default -> throw new InvalidInputException("--layout", "must be single or tenants, was '" + s + "'");
            };
        }
    }

    /**
     * One store to measure: the embedded Lucene store ({@link #EMBEDDED}), or throwaway indices on an
     * Elasticsearch cluster, one per size, named {@code <index>-<size>} after {@code cluster}'s index
     * (which must not hold a deployment's memories: each is deleted when its size is measured).
     *
     * @param cluster null for the embedded store
     */
    public record Target(ElasticsearchStoreConfig cluster) {
        public static final Target EMBEDDED = new Target(null);

        public static Target elasticsearch(ElasticsearchStoreConfig cluster) {
            if (cluster == null) {
                throw new InvalidInputException("--store", "elasticsearch needs the cluster's hosts");
            }
            return new Target(cluster);
        }

        public boolean embedded() {
            return cluster == null;
        }

        /** {@code lucene} or {@code elasticsearch}, as the JSON and the table name the store. */
        public String name() {
            return embedded() ? "lucene" : "elasticsearch";
        }

        /** The throwaway index of one size. */
        ElasticsearchStoreConfig index(int size) {
            var c = cluster;
            return new ElasticsearchStoreConfig(c.hosts(), c.index() + "-" + size, c.shards(), c.replicas(),
                    c.waitForActiveShards(), c.refreshInterval(), c.connectTimeout(), c.requestTimeout());
        }
    }

    /**
     * Settings.
     *
     * @param sizes          store sizes to measure
     * @param queries        measured queries per figure
     * @param workDir        where temporary stores go
     * @param layout         single user or many small tenants
     * @param json           where to write the figures as JSON (null: not written)
     * @param vectors        the store's vector quantization
     * @param merge          merge the built store to one segment before measuring
     * @param intraOpThreads ONNX Runtime threads per query embedding
     * @param rescoring      how the kNN candidates are ranked, one serving process each over the same
     *                       built store: {@code false} by their quantized scores (the store's
     *                       default), {@code true} rescored on full-precision vectors; the embedded
     *                       store only (the Elasticsearch store's kNN settings are its own)
     * @param stores         the stores measured, in order, each over the same data and queries
     */
    public record Options(List<Integer> sizes, int queries, Path workDir, Layout layout, Path json,
                          VectorEncoding vectors, boolean merge, int intraOpThreads, List<Boolean> rescoring,
                          List<Target> stores) {
        public Options {
            if (sizes == null || sizes.isEmpty() || sizes.stream().anyMatch(s -> s == null || s < 1)) {
                throw new InvalidInputException("--sizes", "must be one or more sizes >= 1");
            }
            if (queries < 10) {
                throw new InvalidInputException("--queries", "must be >= 10, was " + queries);
            }
            if (layout == null || vectors == null) {
                throw new InvalidInputException("layout", "and vectors are required");
            }
            if (rescoring == null || rescoring.isEmpty() || rescoring.stream().anyMatch(java.util.Objects::isNull)) {
                throw new InvalidInputException("--rescore", "must name at least one way to rank kNN candidates");
            }
            rescoring = List.copyOf(new java.util.LinkedHashSet<>(rescoring));
            if (stores == null || stores.isEmpty() || stores.stream().anyMatch(java.util.Objects::isNull)) {
                throw new InvalidInputException("--store", "must name at least one store to measure");
            }
            stores = List.copyOf(stores);
            OnnxEmbedderConfig.defaults().withIntraOpThreads(intraOpThreads); // refuses a bad count here, not in the child
        }

        /** The embedded store alone. */
        public Options(List<Integer> sizes, int queries, Path workDir, Layout layout, Path json,
                       VectorEncoding vectors, boolean merge, int intraOpThreads, List<Boolean> rescoring) {
            this(sizes, queries, workDir, layout, json, vectors, merge, intraOpThreads, rescoring,
                    List.of(Target.EMBEDDED));
        }

        public Options(List<Integer> sizes, int queries, Path workDir) {
            this(sizes, queries, workDir, Layout.SINGLE, null, VectorEncoding.INT8, true, 1, List.of(false));
        }
    }

    private RecallBenchmark() {
    }

    public static void run(Options o, PrintStream out) throws Exception {
        var report = new LinkedHashMap<String, Object>();
        report.put("date", Instant.now().toString());
        report.put("loadAverageStart", loadAverage());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("layout", o.layout().name().toLowerCase(Locale.ROOT));
        report.put("vectors", o.vectors().name().toLowerCase(Locale.ROOT));
        report.put("merged", o.merge());
        report.put("rescoring", o.rescoring());
        report.put("onnxIntraOpThreads", o.intraOpThreads());
        report.put("queries", o.queries());
        report.put("servingHeap", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-Xmx")).findFirst().orElse(String.join(" ", SERVE_HEAP)));
        report.put("stores", o.stores().stream().map(RecallBenchmark::describe).toList());
        out.printf(Locale.ROOT, "layout %s, vectors %s, %s, load average %s%n", report.get("layout"),
                report.get("vectors"), o.merge() ? "merged to one segment" : "segments as written", loadAverage());
        for (Target t : o.stores()) {
            if (!t.embedded()) {
                probe(t.index(o.sizes().get(0)));
                out.println("cluster: " + describe(t));
            }
        }

        Path empty = Files.createTempDirectory(o.workDir(), "recall-empty-");
        Map<String, Object> fixed;
        try {
            try (var store = LuceneMemoryStore.open(empty, storeConfig(o.vectors(), false))) {
                store.checkpoint();
            }
            fixed = serveInChild(empty, 0, o, null, o.rescoring().get(0), null);
        } finally {
            deleteTree(empty);
        }
        long fixedRss = ((Number) fixed.get("rssBytes")).longValue();
        report.put("fixed", fixed);
        out.printf(Locale.ROOT, "fixed cost (JVM + model + empty store): RSS %d MiB; query embedding %s%n",
                fixedRss >> 20, ms(fixed, "embedding"));

        var rows = new ArrayList<Map<String, Object>>();
        for (int size : o.sizes()) {
            for (Target target : o.stores()) {
                rows.addAll(measure(size, target, o, fixedRss, out));
            }
        }
        report.put("sizes", rows);
        report.put("loadAverageEnd", loadAverage());
        if (o.json() != null) {
            Path parent = o.json().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(o.json(), Json.write(report) + "\n");
            out.println("figures written to " + o.json());
        }
    }

    private static LuceneStoreConfig storeConfig(VectorEncoding vectors, boolean rescore) {
        return LuceneStoreConfig.defaults().withVectorEncoding(vectors).withRescoring(rescore);
    }

    /** What a target is, for the report: the store, and for a cluster its nodes, shards and replicas. */
    private static Map<String, Object> describe(Target t) {
        var m = new LinkedHashMap<String, Object>();
        m.put("store", t.name());
        if (!t.embedded()) {
            m.put("hosts", t.cluster().hosts().stream().map(URI::toString).toList());
            m.put("indexPrefix", t.cluster().index());
            m.put("shards", t.cluster().shards());
            m.put("replicas", t.cluster().replicas());
            m.put("refreshIntervalMs", t.cluster().refreshInterval().toMillis());
        }
        return m;
    }

    /**
     * Fails before anything is measured when the cluster cannot be used, rather than after the
     * embedded store's run: opens the first throwaway index (which creates it) and deletes it again.
     */
    private static void probe(ElasticsearchStoreConfig index) {
        var store = ElasticsearchMemoryStore.open(index); // no node: fails here, in the words the CLI explains
        try (store) {
            store.stats();
        } finally {
            ElasticsearchMemoryStore.deleteIndex(index);
        }
    }

    /**
     * Builds one store of {@code size} and measures it: the embedded store once per way of ranking
     * kNN candidates (a row each), a cluster's index once.
     */
    private static List<Map<String, Object>> measure(int size, Target target, Options o, long fixedRss,
                                                     PrintStream out) throws Exception {
        var data = new Data(size, o.layout());
        int warmup = warmup(o.queries());
        List<Query> queries = data.queries(warmup + o.queries());
        List<Query> evaluated = queries.subList(warmup, warmup + Math.min(EXACT_QUERIES, o.queries()));
        var exact = new Exact(evaluated, o.layout());
        Path dir = Files.createTempDirectory(o.workDir(), "recall-" + size + "-");
        ElasticsearchStoreConfig index = target.embedded() ? null : target.index(size);
        // an interrupted run (Ctrl-C) deletes its index too; a finished one removes the hook
        Thread dropIndex = index == null ? null : new Thread(() -> deleteQuietly(index), "drop-" + index.index());
        if (dropIndex != null) {
            Runtime.getRuntime().addShutdownHook(dropIndex);
        }
        var row = new LinkedHashMap<String, Object>();
        row.put("store", target.name());
        row.put("memories", size);
        row.put("users", data.users);
        var rows = new ArrayList<Map<String, Object>>();
        boolean measured = false;
        try {
            long t0 = System.nanoTime();
            try (MemoryStore store = index == null ? LuceneMemoryStore.open(dir, storeConfig(o.vectors(), false))
                    : ElasticsearchMemoryStore.open(index)) {
                var random = new Random(size ^ 0x5DEECE66DL);
                var batch = new ArrayList<StoredMemory>(WRITE_BATCH);
                Instant base = Instant.parse("2023-01-01T00:00:00Z");
                for (int i = 0; i < size; i++) {
                    int topic = data.topic(i);
                    String text = data.topics.text(topic, 8 + random.nextInt(25), random);
                    Embedding vector = data.topics.vector(topic, 0.6f, random);
                    exact.offer(i, data.user(i), vector);
                    Instant at = base.plusSeconds(i * 60L);
                    var m = new Memory("m" + i, data.scope(data.user(i)), Kind.TURN, text, "user", "s" + (i % 2), at, at,
                            at, null, null, List.of(), null, List.of(), 1, 0.5, Map.of());
                    batch.add(new StoredMemory(m, vector, text));
                    if (batch.size() == WRITE_BATCH) {
                        store.write(batch);
                        batch.clear();
                    }
                }
                if (!batch.isEmpty()) {
                    store.write(batch);
                }
                if (store instanceof LuceneMemoryStore lucene) {
                    lucene.checkpoint();
                }
                // the cluster's writes return once durable on the primary and visible (refresh=wait_for)
                double buildSeconds = (System.nanoTime() - t0) / 1e9;
                row.put("buildMemoriesPerSecond", round(size / buildSeconds));
                if (store instanceof LuceneMemoryStore lucene) {
                    row.put("segmentsAsWritten", segments(lucene));
                    if (o.merge()) {
                        long m0 = System.nanoTime();
                        lucene.forceMerge();
                        row.put("mergeSeconds", round((System.nanoTime() - m0) / 1e9));
                    }
                    row.put("segments", segments(lucene));
                } else {
                    row.put("segmentsAsWritten", ClusterIndex.segments(index).primarySegments());
                    if (o.merge()) {
                        long m0 = System.nanoTime();
                        ClusterIndex.forceMerge(index);
                        row.put("mergeSeconds", round((System.nanoTime() - m0) / 1e9));
                    }
                    var segments = ClusterIndex.segments(index);
                    row.put("segments", segments.primarySegments());
                    // as the embedded figure: one copy; every copy (the replica too) beside it
                    row.put("bytesPerMemoryOnDisk", segments.primaryBytes() / size);
                    row.put("bytesPerMemoryAllCopies", segments.allCopiesBytes() / size);
                    row.put("documents", store.stats().memories());
                }
            }
            if (index == null) {
                var disk = diskBreakdown(dir.resolve("index"));
                long diskBytes = disk.values().stream().mapToLong(Long::longValue).sum();
                row.put("bytesPerMemoryOnDisk", diskBytes / size);
                var perMemory = new LinkedHashMap<String, Object>();
                disk.forEach((ext, bytes) -> perMemory.put(ext, round((double) bytes / size)));
                row.put("diskBytesPerMemoryByFile", perMemory);
            }

            Path exactFile = dir.resolveSibling(dir.getFileName() + ".exact");
            Files.write(exactFile, exact.lines(), StandardCharsets.UTF_8);
            try {
                // the cluster ranks kNN candidates its own way (int8 HNSW, oversampled and rescored)
                for (boolean rescore : index == null ? o.rescoring() : List.of(false)) {
                    var served = new LinkedHashMap<String, Object>(row);
                    served.put("rescore", index == null ? rescore : "the store's own");
                    served.putAll(serveInChild(dir, size, o, exactFile, rescore, index));
                    long rss = ((Number) served.get("rssBytes")).longValue();
                    // the memories of a cluster are in its nodes, not in this process
                    served.put("rssAboveFixedBytesPerMemory", index == null ? (Object) ((rss - fixedRss) / size)
                            : "n/a: the memories live in the cluster");
                    print(served, data, o, out);
                    rows.add(served);
                }
            } finally {
                Files.deleteIfExists(exactFile);
            }
            measured = true;
        } finally {
            deleteTree(dir);
            if (index != null) {
                if (measured) {
                    ElasticsearchMemoryStore.deleteIndex(index);
                } else {
                    deleteQuietly(index); // the failure that got here is the one to report
                }
                try {
                    Runtime.getRuntime().removeShutdownHook(dropIndex);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs, or ran: the index is gone either way
                }
            }
        }
        return rows;
    }

    private static void deleteQuietly(ElasticsearchStoreConfig index) {
        try {
            ElasticsearchMemoryStore.deleteIndex(index);
        } catch (RuntimeException e) {
            System.err.println("could not delete benchmark index " + index.index() + ": " + e.getMessage());
        }
    }

    private static void print(Map<String, Object> row, Data data, Options o, PrintStream out) {
        long rss = ((Number) row.get("rssBytes")).longValue();
        boolean embedded = "lucene".equals(row.get("store"));
        out.printf(Locale.ROOT, "%s, %,d memories (%,d users), kNN %s: store + fusion %s; end-to-end %s; embedding %s%n",
                embedded ? "embedded" : "elasticsearch", (Integer) row.get("memories"), data.users,
                !embedded ? "int8 HNSW, oversampled and rescored by the cluster"
                        : Boolean.TRUE.equals(row.get("rescore")) ? "rescored on full precision"
                        : "ranked by quantized scores",
                ms(row, "storeFusion"), ms(row, "endToEnd"), ms(row, "embedding"));
        out.printf(Locale.ROOT, "  BM25 alone %s; kNN alone %s; ANN recall@10 vs exact %s (kNN top 10: %s)%n",
                ms(row, "bm25"), ms(row, "knn"), row.get("annRecallAt10"), row.get("annRecallAt10TopK10"));
        out.printf(Locale.ROOT, "  qps 1/4/16 callers %s; built at %s memories/s%s; %s segments; %d bytes/memory on disk %s%n",
                row.get("qps"), row.get("buildMemoriesPerSecond"),
                o.merge() ? ", merged in " + row.get("mergeSeconds") + " s" : "", row.get("segments"),
                ((Number) row.get("bytesPerMemoryOnDisk")).longValue(), embedded ? perMemory(row)
                        : "(primary copy; " + row.get("bytesPerMemoryAllCopies") + " with the replica)");
        if (embedded) {
            out.printf(Locale.ROOT, "  RSS %d MiB (%d bytes/memory above the fixed cost), heap used %d MiB%n",
                    rss >> 20, row.get("rssAboveFixedBytesPerMemory"),
                    ((Number) row.get("heapUsedBytes")).longValue() >> 20);
        } else {
            out.printf(Locale.ROOT, "  RSS of this process %d MiB, heap used %d MiB (per memory: n/a, the memories "
                    + "live in the cluster's nodes)%n", rss >> 20, ((Number) row.get("heapUsedBytes")).longValue() >> 20);
        }
    }

    @SuppressWarnings("unchecked")
    private static String perMemory(Map<String, Object> row) {
        return ((Map<String, Object>) row.get("diskBytesPerMemoryByFile")).toString();
    }

    @SuppressWarnings("unchecked")
    private static String ms(Map<String, Object> figures, String name) {
        var f = (Map<String, Object>) figures.get(name);
        return String.format(Locale.ROOT, "p50 %.2f ms, p95 %.2f ms, p99 %.2f ms",
                ((Number) f.get("p50Ms")).doubleValue(), ((Number) f.get("p95Ms")).doubleValue(),
                ((Number) f.get("p99Ms")).doubleValue());
    }

    private static int segments(LuceneMemoryStore store) {
        Object s = store.stats().details().get("segments");
        return s == null ? -1 : Integer.parseInt(s.toString());
    }

    /**
     * Bytes of the index's last commit by file kind, named by what they hold; compound segment
     * files are looked into, so small segments are counted by their parts too.
     */
    static Map<String, Long> diskBreakdown(Path index) throws IOException {
        var out = new TreeMap<String, Long>();
        try (Directory d = FSDirectory.open(index)) {
            SegmentInfos infos = SegmentInfos.readLatestCommit(d);
            for (SegmentCommitInfo sci : infos) {
                SegmentInfo si = sci.info;
                if (si.getUseCompoundFile()) {
                    try (CompoundDirectory cfs = si.getCodec().compoundFormat().getCompoundReader(d, si)) {
                        for (String f : cfs.listAll()) {
                            out.merge(fileKind(extension(f)), cfs.fileLength(f), Long::sum);
                        }
                    }
                }
            }
            for (String f : infos.files(true)) {
                String ext = extension(f);
                if (!ext.equals("cfs")) { // its parts are counted above
                    out.merge(fileKind(ext), d.fileLength(f), Long::sum);
                }
            }
        }
        return out;
    }

    private static String extension(String file) {
        int dot = file.lastIndexOf('.');
        return dot < 0 ? "" : file.substring(dot + 1);
    }

    private static String fileKind(String ext) {
        return switch (ext) {
            case "vec" -> "vectors, full precision";
            case "veq" -> "vectors, quantized (graph search)";
            case "vex", "vem", "vemf", "vemq" -> "HNSW graph + vector metadata";
            case "tim", "tip", "tmd", "psm" -> "term dictionary";
            case "doc" -> "postings (doc ids, freqs)";
            case "pos" -> "positions";
            case "pay" -> "payloads";
            case "fdt", "fdx", "fdm" -> "stored record + index text";
            case "dvd", "dvm" -> "doc values (id, time, access counts)";
            case "kdd", "kdi", "kdm" -> "points (time filters)";
            case "nvd", "nvm" -> "norms (BM25 lengths)";
            default -> "segment and commit metadata";
        };
    }

    // ---------------------------------------------------------------- the serving process

    private static Map<String, Object> serveInChild(Path dir, int size, Options o, Path exactFile, boolean rescore,
                                                    ElasticsearchStoreConfig index) throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        var cmd = new ArrayList<String>();
        cmd.add(java);
        List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments();
        if (flags.stream().noneMatch(a -> a.startsWith("-Xmx") || a.startsWith("-XX:MaxRAM"))) {
            // The store lives in mapped files, not on the heap; without a cap the JVM grows its
            // heap to a share of the machine's memory under query load, which is no figure of Loci.
            // Touched up front, the heap is part of the fixed cost, not of the per-memory one.
            cmd.addAll(SERVE_HEAP);
        }
        for (String arg : flags) {
            if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent") && !arg.startsWith("-XX:AOTCache")
                    && !arg.startsWith("-Xlog:aot") && !arg.startsWith("-Xlog:cds")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), RecallBenchmark.class.getName(),
                dir.toString(), Integer.toString(size), o.layout().name(), Integer.toString(o.queries()),
                o.vectors().name(), exactFile == null ? "-" : exactFile.toString(), Integer.toString(o.intraOpThreads()),
                Boolean.toString(rescore),
                index == null ? "-" : String.join(",", index.hosts().stream().map(URI::toString).toList()),
                index == null ? "-" : index.index()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String result = null;
        var tail = new ArrayList<String>();
        try (var reader = p.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith(RESULT)) {
                    result = line.substring(RESULT.length());
                } else {
                    tail.add(line);
                }
            }
        }
        int exit = p.waitFor();
        if (exit != 0 || result == null) {
            throw new IllegalStateException("the measuring process for " + size + " memories failed (exit " + exit + "): "
                    + String.join("\n", tail.subList(Math.max(0, tail.size() - 20), tail.size())));
        }
        return Json.readObject(result);
    }

    /**
     * The measuring process: {@code dir size layout queries vectors exactFile|- intraOpThreads rescore
     * hosts|- index|-}; with hosts, the store is that cluster's index, not the directory's.
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int size = Integer.parseInt(args[1]);
        Layout layout = Layout.valueOf(args[2]);
        int queries = Integer.parseInt(args[3]);
        VectorEncoding vectors = VectorEncoding.valueOf(args[4]);
        Path exactFile = "-".equals(args[5]) ? null : Path.of(args[5]);
        int intraOp = Integer.parseInt(args[6]);
        boolean rescore = Boolean.parseBoolean(args[7]);
        ElasticsearchStoreConfig index = "-".equals(args[8]) ? null
                : ElasticsearchStoreConfig.builder().hosts(args[8]).index(args[9]).build();
        var figures = serve(dir, size, layout, queries, storeConfig(vectors, rescore), index, exactFile, intraOp);
        System.out.println(RESULT + Json.write(figures));
        System.out.flush();
        System.exit(0); // ONNX Runtime's threads must not keep the process alive
    }

    private static Map<String, Object> serve(Path dir, int size, Layout layout, int queries, LuceneStoreConfig config,
                                             ElasticsearchStoreConfig index, Path exactFile, int intraOp)
            throws Exception {
        var data = new Data(size, layout);
        int warmup = warmup(queries);
        List<Query> all = data.queries(warmup + queries);
        List<Query> measured = all.subList(warmup, all.size());
        var byText = new HashMap<String, Query>();
        all.forEach(q -> byText.put(q.text(), q));
        var out = new LinkedHashMap<String, Object>();
        // The cache is off: every measured query pays for the model, as a new question does.
        var embedderConfig = OnnxEmbedderConfig.defaults().withIntraOpThreads(intraOp).withQueryCacheSize(0);
        try (OnnxEmbedder model = OnnxEmbedder.create(embedderConfig);
             MemoryStore store = index == null ? LuceneMemoryStore.open(dir, config)
                     : ElasticsearchMemoryStore.open(index)) {
            var rssAt = new LinkedHashMap<String, Object>();
            rssAt.put("opened", Stats.rssBytes());
            Embedder lookup = new QueryEmbedder(byText, null);
            Embedder real = new QueryEmbedder(byText, model);
            LociEngine storeOnly = LociEngine.builder().store(store).embedder(lookup).build();
            LociEngine endToEnd = LociEngine.builder().store(store).embedder(real).build();
            var hybrid = RecallConfig.defaults();
            for (Query q : all.subList(0, warmup)) {
                endToEnd.recall(data.scope(q.user()), RecallQuery.of(q.text()), hybrid);
            }
            long[] embedding = new long[measured.size()];
            for (int i = 0; i < measured.size(); i++) {
                long t = System.nanoTime();
                model.embedQuery(measured.get(i).question());
                embedding[i] = System.nanoTime() - t;
            }
            out.put("embedding", latency(embedding));
            rssAt.put("warmedUp", Stats.rssBytes());
            out.put("storeFusion", latency(time(storeOnly, data, measured, hybrid)));
            out.put("endToEnd", latency(time(endToEnd, data, measured, hybrid)));
            out.put("bm25", latency(time(storeOnly, data, measured, hybrid.lexicalOnly())));
            out.put("knn", latency(time(storeOnly, data, measured, hybrid.denseOnly())));
            if (exactFile != null) {
                List<String> lines = Files.readAllLines(exactFile, StandardCharsets.UTF_8);
                out.put("annRecallAt10", annRecall(store, data, measured, lines, hybrid.denseTopN()));
                out.put("annRecallAt10TopK10", annRecall(store, data, measured, lines, TOP));
                out.put("annRecallQueries", lines.size());
            }
            rssAt.put("measuredOneCaller", Stats.rssBytes());
            var qps = new LinkedHashMap<String, Object>();
            for (int callers : CALLERS) {
                qps.put(Integer.toString(callers), round(throughput(endToEnd, data, measured, hybrid, callers)));
                rssAt.put("after" + callers + "Callers", Stats.rssBytes());
            }
            out.put("rssBytesAt", rssAt);
            if (ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .anyMatch(a -> a.startsWith("-XX:NativeMemoryTracking"))) {
                System.err.println(nativeMemorySummary());
            }
            out.put("qps", qps);
            System.gc();
            long heapUsed = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            out.put("rssBytes", Stats.rssBytes());
            out.put("peakRssBytes", Stats.peakRssBytes());
            // Anonymous: the Java heap and native allocations; file: mapped index files, jars, libraries.
            out.put("rssAnonBytes", Stats.statusBytes("RssAnon"));
            out.put("rssFileBytes", Stats.statusBytes("RssFile"));
            out.put("heapUsedBytes", heapUsed);
            out.put("heapCommittedBytes", Runtime.getRuntime().totalMemory());
            endToEnd.close(); // closes the store; the model is this method's to close
            storeOnly.close();
        }
        return out;
    }

    /** The JVM's native memory summary (with -XX:NativeMemoryTracking=summary), for finding where RSS goes. */
    private static String nativeMemorySummary() {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
        } catch (javax.management.JMException e) {
            return "native memory summary unavailable: " + e.getMessage();
        }
    }

    private static int warmup(int queries) {
        return Math.min(WARMUP, queries);
    }

    private static long[] time(LociEngine loci, Data data, List<Query> queries, RecallConfig config) {
        long[] nanos = new long[queries.size()];
        for (int i = 0; i < queries.size(); i++) {
            Query q = queries.get(i);
            long t = System.nanoTime();
            loci.recall(data.scope(q.user()), RecallQuery.of(q.text()), config);
            nanos[i] = System.nanoTime() - t;
        }
        return nanos;
    }

    private static double throughput(LociEngine loci, Data data, List<Query> queries, RecallConfig config, int callers)
            throws Exception {
        var next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            long t0 = System.nanoTime();
            var running = new ArrayList<Future<?>>();
            for (int c = 0; c < callers; c++) {
                running.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < queries.size(); ) {
                        Query q = queries.get(i);
                        loci.recall(data.scope(q.user()), RecallQuery.of(q.text()), config);
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            return queries.size() / ((System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdown();
        }
    }

    /** Share of the exact top 10 that the store's kNN stage (asked for {@code topN}) returns in its top 10. */
    private static double annRecall(MemoryStore store, Data data, List<Query> measured, List<String> exactLines,
                                    int topN) {
        long found = 0;
        long wanted = 0;
        for (String line : exactLines) {
            String[] parts = line.split(" ");
            Query q = measured.get(Integer.parseInt(parts[0]));
            var truth = new HashSet<String>(List.of(parts).subList(1, parts.length));
            var hits = store.search(new SearchRequest(SearchFilter.of(data.scope(q.user())), q.text(), q.vector(), 0,
                    topN)).dense();
            for (StoreHit h : hits.subList(0, Math.min(TOP, hits.size()))) {
                if (truth.contains(h.id())) {
                    found++;
                }
            }
            wanted += truth.size();
        }
        return wanted == 0 ? 1.0 : round((double) found / wanted, 4);
    }

    private static Map<String, Object> latency(long[] nanos) {
        var m = new LinkedHashMap<String, Object>();
        m.put("p50Ms", round(Stats.percentileMs(nanos, 50), 3));
        m.put("p95Ms", round(Stats.percentileMs(nanos, 95), 3));
        m.put("p99Ms", round(Stats.percentileMs(nanos, 99), 3));
        m.put("n", nanos.length);
        return m;
    }

    // ---------------------------------------------------------------- data

    /** One query: whose scope, the text BM25 sees, the vector kNN sees, the question the model embeds. */
    record Query(String user, String text, Embedding vector, String question) {
    }

    /** The synthetic store of one size and layout, the same in the building and the measuring process. */
    static final class Data {
        final int size;
        final int users;
        final SyntheticChat.Topics topics;

        Data(int size, Layout layout) {
            this.size = size;
            this.users = layout == Layout.SINGLE ? 1 : Math.max(1, size / PER_USER);
            this.topics = new SyntheticChat.Topics(Math.max(50, size / 200), DIMS, size);
        }

        /** The topic of memory {@code i}: a hash, so both processes know it without the data. */
        int topic(int i) {
            long h = (i + 1L) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 31;
            h *= 0xBF58476D1CE4E5B9L;
            h ^= h >>> 29;
            return (int) Math.floorMod(h, (long) topics.topics());
        }

        /** Users take memories in turn, as interleaved conversations would write them. */
        String user(int i) {
            return "u" + (i % users);
        }

        Scope scope(String user) {
            return Scope.user("bench", user);
        }

        /** Queries near the topic of a random memory, in that memory's user's scope. */
        List<Query> queries(int n) {
            var r = new Random(size * 31L + 7);
            List<String> turns = SyntheticChat.turns(n, 5);
            var out = new ArrayList<Query>(n);
            for (int q = 0; q < n; q++) {
                int j = size == 0 ? 0 : r.nextInt(size);
                int topic = topic(j);
                String question = "When did " + turns.get(q).split("\\.")[0] + "?";
                out.add(new Query(user(j), "q" + q + " " + topics.text(topic, 4, r), topics.vector(topic, 0.6f, r),
                        question));
            }
            return out;
        }
    }

    /** Exact top 10 by dot product of each evaluated query, over the memories in its scope. */
    static final class Exact {
        private final List<Query> queries;
        private final Layout layout;
        private final float[][] vectors;
        private final int[][] ids;
        private final float[][] scores;
        private final Map<String, List<Integer>> byUser = new HashMap<>();

        Exact(List<Query> queries, Layout layout) {
            this.queries = queries;
            this.layout = layout;
            this.vectors = new float[queries.size()][];
            this.ids = new int[queries.size()][TOP];
            this.scores = new float[queries.size()][TOP];
            for (int q = 0; q < queries.size(); q++) {
                vectors[q] = queries.get(q).vector().toArray();
                java.util.Arrays.fill(ids[q], -1);
                java.util.Arrays.fill(scores[q], Float.NEGATIVE_INFINITY);
                byUser.computeIfAbsent(queries.get(q).user(), u -> new ArrayList<>()).add(q);
            }
        }

        void offer(int memory, String user, Embedding vector) {
            List<Integer> which = layout == Layout.SINGLE ? null : byUser.get(user);
            if (layout != Layout.SINGLE && which == null) {
                return;
            }
            float[] v = vector.toArray();
            int n = which == null ? queries.size() : which.size();
            for (int k = 0; k < n; k++) {
                int q = which == null ? k : which.get(k);
                float s = VectorUtil.dotProduct(vectors[q], v);
                int worst = 0;
                for (int t = 1; t < TOP; t++) {
                    if (scores[q][t] < scores[q][worst]) {
                        worst = t;
                    }
                }
                if (s > scores[q][worst]) {
                    scores[q][worst] = s;
                    ids[q][worst] = memory;
                }
            }
        }

        /** "queryIndex id id ..." per evaluated query (query index within the measured ones). */
        List<String> lines() {
            var out = new ArrayList<String>();
            for (int q = 0; q < queries.size(); q++) {
                var sb = new StringBuilder().append(q);
                Integer[] order = new Integer[TOP];
                for (int t = 0; t < TOP; t++) {
                    order[t] = t;
                }
                final int query = q;
                java.util.Arrays.sort(order, Comparator.comparingDouble(t -> -scores[query][t]));
                for (int t : order) {
                    if (ids[q][t] >= 0) {
                        sb.append(" m").append(ids[q][t]);
                    }
                }
                out.add(sb.toString());
            }
            return out;
        }
    }

    /** Serves each query's synthetic vector, after running the real model on its question when given one. */
    private static final class QueryEmbedder implements Embedder {
        private final Map<String, Query> queries;
        private final OnnxEmbedder model;

        QueryEmbedder(Map<String, Query> queries, OnnxEmbedder model) {
            this.queries = queries;
            this.model = model;
        }

        @Override
        public int dimensions() {
            return DIMS;
        }

        @Override
        public String modelId() {
            return "precomputed-" + DIMS;
        }

        @Override
        public List<Embedding> embedDocuments(List<String> texts) {
            throw new IllegalStateException("the recall benchmark writes vectors directly");
        }

        @Override
        public Embedding embedQuery(String text) {
            Query q = queries.get(text);
            if (q == null) {
                throw new IllegalArgumentException("no precomputed vector for query: " + text);
            }
            if (model != null) {
                model.embedQuery(q.question());
            }
            return q.vector();
        }

        @Override
        public void close() {
        }
    }

    // ---------------------------------------------------------------- helpers

    private static double round(double v) {
        return round(v, 1);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private static List<Double> loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return List.of(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Double.parseDouble(parts[2]));
        } catch (IOException | RuntimeException e) {
            double one = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return List.of(one);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
