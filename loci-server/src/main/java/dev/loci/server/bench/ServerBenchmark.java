package dev.loci.server.bench;

import dev.loci.RecallQuery;
import dev.loci.Scope;
import dev.loci.embedded.EmbeddedLoci;
import dev.loci.embedded.EmbeddedOptions;
import dev.loci.engine.LociEngine;
import dev.loci.Message;
import dev.loci.server.BatchingEmbedder;
import dev.loci.server.LociServer;
import dev.loci.server.ServerOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code loci bench server}: a real server on loopback (real model, real store, the batching
 * embedder as {@code serve} wires it) driven by 1, 8 and 32 concurrent HTTP clients, each looping
 * over a mix of half remember (1 or 2 messages) and half recall, bounded in operations and time
 * per level. Reports throughput, p50/p95/p99 per operation and errors per level; remember-only
 * rounds at 32 clients give the ingest rate, set against the embedder's batched rate measured in
 * the same round, with batching and without (a second server); the same calls in-process show
 * what HTTP costs; and recall p50 over HTTP is set against recall in-process, one client.
 */
public final class ServerBenchmark {
    private static final int[] CLIENTS = {1, 8, 32};
    private static final Duration LEVEL_LIMIT = Duration.ofSeconds(20);
    private static final int ROUNDS = 3;
    private static final String[] WORDS = ("we adopted a greyhound called biscuit who loves the beach and long walks "
            + "my sister moved to lisbon last spring for a job at the university teaching chemistry "
            + "i am allergic to peanuts so please avoid satay and most granola bars at breakfast "
            + "our trip to kyoto in october was wonderful the temples and the food were unforgettable "
            + "the project deadline moved to friday because the client asked for a new dashboard").split(" ");

    private ServerBenchmark() {
    }

    /** Runs every level with at most {@code opsPerLevel} operations each; temporary data goes under {@code workDir}. */
    public static void run(Path workDir, int opsPerLevel, PrintStream out) throws Exception {
        run(workDir, opsPerLevel, 0, out);
    }

    /**
     * As {@link #run(Path, int, PrintStream)}, with {@code messagesPerCall} messages in each remember
     * call of the remember-only rounds and the in-process comparison (0: one or two at random, as the
     * mixed levels always send).
     */
    public static void run(Path workDir, int opsPerLevel, int messagesPerCall, PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory(workDir, "server-");
        AtomicReference<BatchingEmbedder> batcher = new AtomicReference<>();
        LociEngine engine = EmbeddedLoci.open(dir, EmbeddedOptions.defaults(), model -> {
            batcher.set(BatchingEmbedder.wrap(model, BatchingEmbedder.Config.defaults()));
            return batcher.get();
        });
        LociEngine unbatched = EmbeddedLoci.open(Files.createTempDirectory(workDir, "server-off-"));
        ServerOptions options = ServerOptions.defaults().withPort(0).withMaxPendingRequests(256).withNoAuth("bench");
        try (LociServer server = LociServer.start(engine, options);
             LociServer off = LociServer.start(unbatched, options)) {
            var batching = BatchingEmbedder.Config.defaults();
            out.printf(Locale.ROOT, "server on 127.0.0.1:%d, model %s, batching wait %s ms, max %d texts, %d batches in "
                    + "flight%n", server.port(), engine.embedder().modelId(), batching.maxWait().toMillis(),
                    batching.maxTexts(), batching.maxInFlight());
            out.println("load average before: " + loadAverage());
            seed(engine);
            seed(unbatched);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            AtomicInteger ids = new AtomicInteger();
            for (int clients : CLIENTS) {
                level(http, server.port(), clients, opsPerLevel, 0.5, 0, ids, batcher.get(), out);
            }
            // Ingest against the embedder, in rounds that alternate the model alone, the server with
            // batching and one without, so all three see the same machine load.
            // After the mixed levels the JIT is still compiling the remember-only path (a first round
            // ran 10-15 points below the later ones): one round on each server first, not counted.
            out.println("remember-only rounds: " + (messagesPerCall > 0 ? messagesPerCall + " messages per call"
                    : "1 or 2 messages per call") + "; warm-up, not counted:");
            level(http, server.port(), 32, opsPerLevel / 2, 1.0, messagesPerCall, ids, batcher.get(), out);
            out.print("  batching off: ");
            level(http, off.port(), 32, opsPerLevel / 2, 1.0, messagesPerCall, ids, null, out);
            double[] ratios = new double[ROUNDS];
            double[] ratiosOff = new double[ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                out.println("round " + (round + 1) + ":");
                double rate = embedderRate(engine, out);
                ratios[round] = level(http, server.port(), 32, opsPerLevel / 2, 1.0, messagesPerCall, ids,
                        batcher.get(), out)
                        .messagesPerSecond() / rate;
                out.print("  batching off: ");
                ratiosOff[round] = level(http, off.port(), 32, opsPerLevel / 2, 1.0, messagesPerCall, ids, null, out)
                        .messagesPerSecond() / rate;
            }
            Arrays.sort(ratios);
            Arrays.sort(ratiosOff);
            out.printf(Locale.ROOT, "ingest at 32 clients / embedder batched rate, median of %d rounds: %.0f %% "
                    + "(batching off: %.0f %%)%n", ROUNDS, 100 * ratios[ROUNDS / 2], 100 * ratiosOff[ROUNDS / 2]);
            double rate = embedderRate(engine, out);
            double local = inProcessIngest(engine, 32, opsPerLevel / 2, messagesPerCall, ids, batcher.get(), out);
            out.printf(Locale.ROOT, "the same calls in-process / embedder batched rate: %.0f / %.0f messages/s = %.0f %%%n",
                    local, rate, 100 * local / rate);
            recallOverhead(http, server.port(), engine, Math.min(opsPerLevel, 300), out);
        }
        out.println("load average after: " + loadAverage());
    }

    private record Level(double messagesPerSecond) {
    }

    private static void seed(LociEngine engine) {
        Random random = new Random(1);
        for (int u = 0; u < 8; u++) {
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                batch.add(Message.of("U" + u, sentence(random), null).withClientId("seed-" + u + "-" + i).withRole("user"));
            }
            engine.remember(Scope.user("bench", "u" + u), batch);
        }
    }

    /** The model alone on batches of 32 texts like the benchmark's messages: the ceiling for ingest. */
    private static double embedderRate(LociEngine engine, PrintStream out) {
        Random random = new Random(2);
        List<List<String>> batches = new ArrayList<>();
        for (int b = 0; b < 16; b++) {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                texts.add(sentence(random));
            }
            batches.add(texts);
        }
        for (int b = 0; b < 4; b++) {
            engine.embedder().embedDocuments(batches.get(b)); // warm-up
        }
        long cpu = processCpuNanos();
        long t = System.nanoTime();
        for (int b = 4; b < batches.size(); b++) {
            engine.embedder().embedDocuments(batches.get(b));
        }
        double seconds = (System.nanoTime() - t) / 1e9;
        double rate = (batches.size() - 4) * 32 / seconds;
        out.printf(Locale.ROOT, "  embedder batched rate (batches of 32, one caller): %.0f texts/s, %.2f cores busy%n", rate,
                (processCpuNanos() - cpu) / 1e9 / seconds);
        return rate;
    }

    private static Level level(HttpClient http, int port, int clients, int maxOps, double rememberShare, int perCall,
                               AtomicInteger ids, BatchingEmbedder batcher, PrintStream out) throws Exception {
        AtomicInteger left = new AtomicInteger(maxOps);
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger messages = new AtomicInteger();
        List<long[]> remember = new ArrayList<>();
        List<long[]> recall = new ArrayList<>();
        var before = batcher == null ? new BatchingEmbedder.Counts(0, 0, 0) : batcher.counts();
        long deadline = System.nanoTime() + LEVEL_LIMIT.toNanos();
        List<Thread> threads = new ArrayList<>();
        long cpu = processCpuNanos();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            long[] rem = new long[maxOps];
            long[] rec = new long[maxOps];
            int[] counts = new int[2];
            int client = c;
            threads.add(Thread.ofPlatform().start(() -> {
                Random random = new Random(client * 31L + clients);
                String user = "u" + (client % 8);
                while (left.getAndDecrement() > 0 && System.nanoTime() < deadline) {
                    boolean isRemember = random.nextDouble() < rememberShare;
                    String body;
                    String path;
                    if (isRemember) {
                        int n = perCall > 0 ? perCall : 1 + random.nextInt(2);
                        StringBuilder msgs = new StringBuilder();
                        for (int i = 0; i < n; i++) {
                            msgs.append(i == 0 ? "" : ",").append("{\"clientId\":\"b").append(ids.incrementAndGet())
                                    .append("\",\"speaker\":\"U").append(client).append("\",\"text\":\"")
                                    .append(sentence(random)).append("\"}");
                        }
                        body = "{\"userId\":\"" + user + "\",\"messages\":[" + msgs + "]}";
                        path = "/v1/memories";
                        messages.addAndGet(n);
                    } else {
                        body = "{\"userId\":\"" + user + "\",\"query\":\"" + question(random) + "\",\"k\":10}";
                        path = "/v1/memories/search";
                    }
                    long t = System.nanoTime();
                    int status = post(http, port, path, body);
                    long took = System.nanoTime() - t;
                    if (status / 100 != 2) {
                        errors.incrementAndGet();
                    } else if (isRemember) {
                        rem[counts[0]++] = took;
                    } else {
                        rec[counts[1]++] = took;
                    }
                }
                synchronized (remember) {
                    remember.add(Arrays.copyOf(rem, counts[0]));
                    recall.add(Arrays.copyOf(rec, counts[1]));
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cores = (processCpuNanos() - cpu) / 1e9 / seconds;
        long[] rem = flatten(remember);
        long[] rec = flatten(recall);
        var after = batcher == null ? before : batcher.counts();
        double perBatch = after.batches() == before.batches() ? 0
                : (double) (after.calls() - before.calls()) / (after.batches() - before.batches());
        double msgRate = rem.length == 0 ? 0 : messages.get() / seconds;
        out.printf(Locale.ROOT, "%2d clients, %s: %d ops in %.1f s = %.0f ops/s, %.0f messages/s remembered, "
                        + "%d errors, %.1f embedder calls per batch, %.2f cores busy%n", clients,
                rememberShare == 1.0 ? "remember only" : "half remember, half recall", rem.length + rec.length, seconds,
                (rem.length + rec.length) / seconds, msgRate, errors.get(), perBatch, cores);
        out.println("    remember " + percentiles(rem));
        if (rec.length > 0) {
            out.println("    recall   " + percentiles(rec));
        }
        return new Level(msgRate);
    }

    /** The remember-only load of {@link #level} without HTTP: engine calls from {@code threads} threads. */
    private static double inProcessIngest(LociEngine engine, int threads, int maxCalls, int perCall, AtomicInteger ids,
                                          BatchingEmbedder batcher, PrintStream out) throws InterruptedException {
        AtomicInteger left = new AtomicInteger(maxCalls);
        AtomicInteger messages = new AtomicInteger();
        var before = batcher.counts();
        long deadline = System.nanoTime() + LEVEL_LIMIT.toNanos();
        List<Thread> running = new ArrayList<>();
        long cpu = processCpuNanos();
        long start = System.nanoTime();
        for (int c = 0; c < threads; c++) {
            int client = c;
            running.add(Thread.ofPlatform().start(() -> {
                Random random = new Random(client * 17L);
                Scope scope = Scope.user("bench", "u" + (client % 8));
                while (left.getAndDecrement() > 0 && System.nanoTime() < deadline) {
                    int n = perCall > 0 ? perCall : 1 + random.nextInt(2);
                    List<Message> batch = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        batch.add(Message.of("U" + client, sentence(random), null).withClientId("b" + ids.incrementAndGet()));
                    }
                    engine.remember(scope, batch);
                    messages.addAndGet(n);
                }
            }));
        }
        for (Thread t : running) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cores = (processCpuNanos() - cpu) / 1e9 / seconds;
        var after = batcher.counts();
        out.printf(Locale.ROOT, "32 threads in-process, remember only: %.0f messages/s, %.1f embedder calls per batch, "
                        + "%.2f cores busy%n", messages.get() / seconds,
                (double) (after.calls() - before.calls()) / Math.max(1, after.batches() - before.batches()), cores);
        return messages.get() / seconds;
    }

    /** CPU time of this process (every thread: the model's, the server's, the clients', the JIT's, the GC's). */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    private static void recallOverhead(HttpClient http, int port, LociEngine engine, int n, PrintStream out) {
        Random random = new Random(3);
        List<String> questions = new ArrayList<>();
        for (int i = 0; i < 2 * n + 40; i++) {
            questions.add(question(random));
        }
        Scope scope = Scope.user("bench", "u0");
        long[] local = new long[n];
        long[] remote = new long[n];
        for (int i = 0; i < 20; i++) { // warm both paths
            engine.recall(scope, RecallQuery.of(questions.get(2 * i)).withK(10));
            search(http, port, questions.get(2 * i + 1));
        }
        // Interleaved, so both see the same machine load, each path with questions of its own: the
        // embedder keeps recent query vectors, and a question the other path just asked would be
        // answered without embedding it.
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            engine.recall(scope, RecallQuery.of(questions.get(40 + 2 * i)).withK(10));
            local[i] = System.nanoTime() - t;
            t = System.nanoTime();
            search(http, port, questions.get(41 + 2 * i));
            remote[i] = System.nanoTime() - t;
        }
        out.println("recall, 1 client, in-process " + percentiles(local));
        out.println("recall, 1 client, over HTTP  " + percentiles(remote));
        out.printf(Locale.ROOT, "HTTP adds %.2f ms at p50%n", pct(remote, 50) - pct(local, 50));
    }

    private static void search(HttpClient http, int port, String question) {
        post(http, port, "/v1/memories/search", "{\"userId\":\"u0\",\"query\":\"" + question + "\",\"k\":10}");
    }

    /** The machine's 1, 5 and 15 minute load averages (Linux), to show whether others shared the cores. */
    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static int post(HttpClient http, int port, String path, String body) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String sentence(Random random) {
        int n = 18 + random.nextInt(17); // 26 words on average, as in the ingest benchmark's synthetic chat
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return b.append('.').toString();
    }

    private static String question(Random random) {
        return "what about " + WORDS[random.nextInt(WORDS.length)] + " and " + WORDS[random.nextInt(WORDS.length)];
    }

    private static long[] flatten(List<long[]> parts) {
        return parts.stream().flatMapToLong(Arrays::stream).toArray();
    }

    private static double pct(long[] nanos, double p) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1))] / 1e6;
    }

    private static String percentiles(long[] nanos) {
        return String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms (n=%d)", pct(nanos, 50),
                pct(nanos, 95), pct(nanos, 99), nanos.length);
    }
}
