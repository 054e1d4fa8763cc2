package dev.loci.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loci.json.LociJson;
import dev.loci.server.cli.ServeMain;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code loci bench soak}: a real {@code loci serve} process under mixed traffic for a while. A few
 * clients, spread over up to three tenants (an admin API key each, the same user ids in every
 * tenant), each with a user of its own, remember, recall, update, forget, list and read over HTTP;
 * every result must be the client's own (its tenant and user, texts tagged with nonces it wrote),
 * and a read of another tenant's turn must answer 404. Each keeps what the server acknowledged (the
 * user's live turns and their texts, the forgotten ids) and every minute and at the end compares the
 * server's count of its turns (earlier versions included) with it. The server's resident memory
 * (VmRSS) and open files are sampled every 10 s. At the end every acknowledged turn is read back
 * (right text), every forgotten one must be gone, the server is stopped and {@code loci check}
 * verifies the data directory. Prints a line per minute and a summary; returns the failures (lost or
 * wrong writes, forgotten turns back, count mismatches, results across tenants, errors, a failed
 * check): 0 is the goal.
 */
final class SoakBenchmark {
    private static final Duration START_LIMIT = Duration.ofSeconds(120);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final String[] WORDS = ("garden kayak choir tulips bread bees honey chess violin market river "
            + "bicycle lantern orchard recipe train museum harbor winter letter").split(" ");

    /** How often the server is sampled (a sixth of a run shorter than a minute); how often a full collection measures what its heap holds. */
    private static final long SAMPLE_MILLIS = 10_000;
    private static final long FULL_GC_MILLIS = 5 * 60_000;
    /** Half the band over which removals go from none to all writes, as a share of the size asked for. */
    private static final double BAND = 0.05;

    /**
     * @param steady  0: the store grows as the traffic writes; N: once it holds about N memories, the traffic
     *                also forgets (by id, by filter, whole sessions) about as much as it adds
     * @param rate    requests a second across all clients (0: as fast as the server answers)
     * @param heapMiB the serving JVM's heap cap (0: the JVM's default)
     */
    record Options(double minutes, int clients, long seed, Path workDir, long steady, double rate, int heapMiB) {
        Options(double minutes, int clients, long seed, Path workDir) {
            this(minutes, clients, seed, workDir, 0, 0, 0);
        }
    }

    /** What the store holds now, from the sampler; read by the clients to hold its size. */
    private static final class Store {
        volatile long memories;
        volatile boolean steady;
    }

    /** One sample of the server: seconds since the traffic began and the figures then. */
    record Sample(double seconds, long rssKiB, long heapAfterGcMiB, long heapAfterFullGcMiB, long heapCommittedMiB,
                  long files, long threads, long memories, long segments, double serverCores, double clientCores,
                  String load) {
    }

    /** Tenants the clients share round-robin (fewer when there are fewer clients). */
    static final int TENANTS = 3;
    /** The tag every text the soak writes carries: its tenant and a nonce its client keeps. */
    private static final java.util.regex.Pattern TAG =
            java.util.regex.Pattern.compile("\\[tenant=([^ \\]]+) nonce=([0-9a-f]+)\\]");

    /** What one client saw the server acknowledge, and what went wrong. */
    static final class Client {
        final String tenant;
        /** The tenant's API key. */
        final String token;
        /** The same user ids in every tenant ("u0" in each), so a result leaking across tenants would show. */
        final String user;
        final Random random;
        /** The nonce of every text this client wrote (forgotten ones included). */
        final Set<String> nonces = new HashSet<>();
        /** The id of the client's latest acknowledged turn, which clients of other tenants try to read. */
        volatile String lastId;
        long crossTenant;
        long probesAnswered;
        final Map<String, String> live = new LinkedHashMap<>();
        /** Earlier versions a live turn keeps (a forget deletes them with it): counted as turns too. */
        final Map<String, Integer> versions = new HashMap<>();
        /** The session of each live turn, so whole sessions can be forgotten. */
        final Map<String, String> sessionOf = new HashMap<>();
        final Set<String> forgotten = new HashSet<>();
        final Map<String, AtomicLong> ops = new ConcurrentHashMap<>();
        /** Milliseconds of each traffic request, taken off by the sampler a minute at a time. */
        final java.util.concurrent.ConcurrentLinkedQueue<Double> millis = new java.util.concurrent.ConcurrentLinkedQueue<>();
        long errors;
        long countMismatches;
        long next;
        String firstError;

        Client(int n, int tenants, long seed, Map<String, String> tokens) {
            this.tenant = "soak-t" + (n % tenants);
            this.token = tokens.get(tenant);
            this.user = "u" + (n / tenants);
            this.random = new Random(seed * 31 + n);
        }

        /** A tag for a new text: the client's tenant and a fresh nonce it keeps. */
        String tag() {
            String nonce = Long.toHexString(random.nextLong() & Long.MAX_VALUE);
            nonces.add(nonce);
            return "[tenant=" + tenant + " nonce=" + nonce + "]";
        }

        /**
         * Whether a memory the server returned to this client is its own: scoped to its tenant and
         * user, and every tag in its text naming its tenant and a nonce it wrote. Counts and reports
         * any other as a result across tenants (or users).
         */
        boolean own(String op, JsonNode m) {
            String tenantOf = m.path("scope").path("tenant").asText();
            String userOf = m.path("scope").path("userId").asText();
            String text = m.path("text").asText();
            boolean ok = tenant.equals(tenantOf) && user.equals(userOf);
            for (var t = TAG.matcher(text); ok && t.find(); ) {
                ok = tenant.equals(t.group(1)) && nonces.contains(t.group(2));
            }
            if (!ok) {
                crossTenant++;
                if (firstError == null) {
                    firstError = op + ": " + tenant + "/" + user + " got a memory of " + tenantOf + "/" + userOf
                            + ": " + m.path("id").asText() + " \"" + text + "\"";
                }
            }
            return ok;
        }

        void error(String what) {
            errors++;
            if (firstError == null) {
                firstError = what;
            }
        }
    }

    private SoakBenchmark() {
    }

    static long run(Options o, PrintStream out) throws Exception {
        Path data = Files.createTempDirectory(o.workDir(), "soak-");
        Path log = o.workDir().resolve(data.getFileName() + "-serve.log");
        Path gcLog = o.workDir().resolve(data.getFileName() + "-gc.log");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xss4m",
                "-Xlog:gc:file=" + gcLog + ":uptime"));
        if (o.heapMiB() > 0) {
            // A heap leak then ends in an OutOfMemoryError with a dump to read, not in a heap that grows quietly.
            command.addAll(List.of("-Xmx" + o.heapMiB() + "m", "-XX:+HeapDumpOnOutOfMemoryError",
                    "-XX:HeapDumpPath=" + o.workDir()));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ServeMain.class.getName(),
                "--data-dir", data.toString(), "--port", Integer.toString(port)));
        int tenants = Math.min(TENANTS, o.clients());
        var tokens = new LinkedHashMap<String, String>();
        for (int t = 0; t < tenants; t++) {
            tokens.put("soak-t" + t, createKey(data, "soak-t" + t));
        }
        Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        out.printf(Locale.ROOT, "soak: %.1f min, %d clients over %d tenants (%s, an admin key each), seed %d, %s, %s, "
                        + "server heap %s, data %s, server pid %d (log %s, GC log %s), load %s%n", o.minutes(),
                o.clients(), tenants, String.join(", ", tokens.keySet()), o.seed(),
                o.steady() > 0 ? "store held at about " + o.steady() + " memories" : "store grows",
                o.rate() > 0 ? "at most " + o.rate() + " requests/s" : "unpaced",
                o.heapMiB() > 0 ? "at most " + o.heapMiB() + " MiB" : "JVM default", data, server.pid(), log, gcLog,
                loadAverage());
        long failures;
        try {
            if (!ServeMain.awaitReady(http, port, server, START_LIMIT)) {
                throw new IllegalStateException("loci serve was not ready within " + START_LIMIT.toSeconds()
                        + " s; see " + log);
            }
            failures = soak(o, http, "http://127.0.0.1:" + port, tokens, server, gcLog,
                    o.workDir().resolve(data.getFileName() + "-samples.csv"), out);
        } finally {
            server.destroy(); // SIGTERM: drains and closes the store
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        out.printf(Locale.ROOT, "server exited with %d; loci check of %s:%n", server.exitValue(), data);
        int check = Main.run("check", "--data-dir", data.toString());
        out.println(check == 0 ? "check: OK" : "check: FAILED (exit " + check + ")");
        return failures + (check == 0 ? 0 : 1) + (server.exitValue() == 0 ? 0 : 1);
    }

    /** Creates an admin key of the tenant in the data directory, as {@code loci keys create} does; returns the key. */
    private static String createKey(Path data, String tenant) {
        var key = new java.io.StringWriter();
        var messages = new java.io.StringWriter();
        int exit = new picocli.CommandLine(new dev.loci.server.cli.KeysCommand()).setOut(new java.io.PrintWriter(key))
                .setErr(new java.io.PrintWriter(messages)).execute("create", "--data-dir", data.toString(),
                        "--tenant", tenant, "--role", "admin");
        if (exit != 0) {
            throw new IllegalStateException("could not create a key of tenant " + tenant + ": " + messages);
        }
        return key.toString().strip();
    }

    private static long soak(Options o, HttpClient http, String base, Map<String, String> tokens, Process server,
                             Path gcLog, Path csv, PrintStream out) throws InterruptedException, IOException {
        String adminToken = tokens.values().iterator().next(); // the store's figures are the whole store's
        long start = System.nanoTime();
        long end = start + (long) (o.minutes() * 60e9);
        Store store = new Store();
        List<Client> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < o.clients(); c++) {
            clients.add(new Client(c, tokens.size(), o.seed(), tokens));
        }
        for (Client client : clients) {
            threads.add(Thread.ofPlatform().name("soak-client-" + client.tenant + "-" + client.user)
                    .start(() -> drive(o, http, base, client, clients, store, end)));
        }
        var gc = new GcLog(gcLog);
        var samples = new ArrayList<Sample>();
        var p99s = new ArrayList<Double>();
        double steadyFrom = -1;
        long rssWarm = -1;
        int minute = 0;
        long lastFullGc = System.nanoTime();
        long cpuBefore = cpuTicks(server.pid());
        long ownCpuBefore = ownCpuNanos();
        long sampledAt = start;
        long every = Math.clamp((long) (o.minutes() * 10_000), 1_000, SAMPLE_MILLIS);
        try (var w = Files.newBufferedWriter(csv)) {
            w.write("seconds,rss_mib,heap_after_gc_mib,heap_after_full_gc_mib,heap_committed_mib,open_files,threads,"
                    + "memories,segments,server_cores,client_cores,load1\n");
            for (boolean last = false; !last; ) { // the last sample is taken at the end, however long sampling takes
                Thread.sleep(Math.min(every, Math.max(1, (end - System.nanoTime() + 999_999) / 1_000_000)));
                last = System.nanoTime() >= end;
                if (last || System.nanoTime() - lastFullGc >= FULL_GC_MILLIS * 1_000_000L) {
                    fullGc(server.pid()); // what the heap holds, not what the collector has not yet freed
                    lastFullGc = System.nanoTime();
                }
                long now = System.nanoTime();
                long cpu = cpuTicks(server.pid());
                long ownCpu = ownCpuNanos();
                double wall = (now - sampledAt) / 1e9;
                JsonNode stats = stats(http, base, adminToken);
                gc.read();
                Sample s = new Sample((now - start) / 1e9, rssKiB(server.pid()), gc.afterMinSinceRead(),
                        gc.lastFullAfter(), gc.committed(), openFiles(server.pid()), procStatus(server.pid(), "Threads:"),
                        stats == null ? -1 : stats.path("memories").asLong(-1),
                        stats == null ? -1 : stats.path("details").path("segments").asLong(-1),
                        (cpu - cpuBefore) / 100.0 / wall, (ownCpu - ownCpuBefore) / 1e9 / wall, loadAverage());
                cpuBefore = cpu;
                ownCpuBefore = ownCpu;
                sampledAt = now;
                samples.add(s);
                w.write(String.format(Locale.ROOT, "%.0f,%d,%d,%d,%d,%d,%d,%d,%d,%.2f,%.2f,%s%n", s.seconds(),
                        s.rssKiB() / 1024, s.heapAfterGcMiB(), s.heapAfterFullGcMiB(), s.heapCommittedMiB(), s.files(),
                        s.threads(), s.memories(), s.segments(), s.serverCores(), s.clientCores(),
                        s.load().split(" ")[0]));
                w.flush();
                if (s.memories() >= 0) {
                    store.memories = s.memories();
                }
                if (o.steady() > 0 && !store.steady && s.memories() >= o.steady()) {
                    store.steady = true;
                    steadyFrom = s.seconds();
                    out.printf(Locale.ROOT, "%5.1f min: the store holds %d memories; from now on the traffic forgets "
                            + "about as much as it adds%n", s.seconds() / 60, s.memories());
                }
                double elapsed = s.seconds() / 60;
                if (rssWarm < 0 && elapsed >= Math.min(1, o.minutes() / 4)) {
                    rssWarm = s.rssKiB(); // after the model, caches and first segments have settled
                }
                if (elapsed >= minute + 1 || last) {
                    minute = (int) elapsed;
                    double[] ms = latencies(clients);
                    p99s.add(ms[1]);
                    out.printf(Locale.ROOT, "%5.1f min: %s; request ms p50 %.0f, p99 %.0f, max %.0f; RSS %d MiB, heap after GC %d MiB (after full GC %d, "
                                    + "committed %d), %d open files, %d threads, %d memories in %d segments, server "
                                    + "%.2f cores, clients %.2f, load %s%n", elapsed, totals(clients), ms[0], ms[1],
                            ms[2], s.rssKiB() / 1024, s.heapAfterGcMiB(), s.heapAfterFullGcMiB(), s.heapCommittedMiB(),
                            s.files(), s.threads(), s.memories(), s.segments(), s.serverCores(), s.clientCores(),
                            s.load());
                }
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        long lost = 0;
        long wrong = 0;
        long back = 0;
        long acknowledged = 0;
        for (Client c : clients) {
            for (var e : c.live.entrySet()) {
                acknowledged++;
                JsonNode m = get(http, base, c, c.user, e.getKey());
                if (m == null) {
                    lost++;
                } else if (!c.own("read back", m) || !e.getValue().equals(m.path("text").asText())) {
                    wrong++;
                }
            }
            for (String id : c.forgotten) {
                if (get(http, base, c, c.user, id) != null) {
                    back++;
                }
            }
        }
        long errors = clients.stream().mapToLong(c -> c.errors).sum();
        long mismatches = clients.stream().mapToLong(c -> c.countMismatches).sum();
        long forgotten = clients.stream().mapToLong(c -> c.forgotten.size()).sum();
        long cross = clients.stream().mapToLong(c -> c.crossTenant).sum();
        out.printf(Locale.ROOT, "done: %s%n", totals(clients));
        out.printf(Locale.ROOT, "acknowledged turns alive at the end: %d; lost %d, wrong text %d; forgotten that came "
                + "back %d (of %d forgotten); count mismatches %d; errors %d%n", acknowledged, lost, wrong, back,
                forgotten, mismatches, errors);
        out.printf(Locale.ROOT, "across tenants: %d results of another tenant or user (in %d recalls, lists and "
                + "reads checked); %d reads of another tenant's turn answered (of %d tried)%n", cross,
                clients.stream().mapToLong(c -> c.ops.getOrDefault("recall", new AtomicLong()).get()
                        + c.ops.getOrDefault("list", new AtomicLong()).get()
                        + c.ops.getOrDefault("get", new AtomicLong()).get()).sum(),
                clients.stream().mapToLong(c -> c.probesAnswered).sum(),
                clients.stream().mapToLong(c -> c.ops.getOrDefault("probe-other-tenant", new AtomicLong()).get()).sum());
        clients.stream().filter(c -> c.firstError != null).forEach(c -> out.println("  first error of " + c.tenant
                + "/" + c.user + ": " + c.firstError));
        Sample first = samples.getFirst();
        Sample lastSample = samples.getLast();
        out.printf(Locale.ROOT, "RSS: %d MiB at the first sample, %d MiB after warm-up, %d MiB at the end (%+d MiB since "
                + "warm-up), %d MiB at most; open files %d at the end, %d at most; threads %d at the end, %d at most; "
                + "load %s%n", first.rssKiB() / 1024, Math.max(rssWarm, 0) / 1024, lastSample.rssKiB() / 1024,
                (lastSample.rssKiB() - Math.max(rssWarm, 0)) / 1024,
                samples.stream().mapToLong(Sample::rssKiB).max().orElse(0) / 1024, lastSample.files(),
                samples.stream().mapToLong(Sample::files).max().orElse(0), lastSample.threads(),
                samples.stream().mapToLong(Sample::threads).max().orElse(0), loadAverage());
        if (steadyFrom >= 0) {
            out.print(trend(samples, steadyFrom));
        } else if (o.steady() > 0) {
            out.printf(Locale.ROOT, "steady: the store never reached %d memories (%d at the end)%n", o.steady(),
                    lastSample.memories());
        }
        out.printf(Locale.ROOT, "p99 of the requests by minute: %s ms%s%n", p99s.stream()
                .map(v -> String.format(Locale.ROOT, "%.0f", v)).reduce((a, b) -> a + ", " + b).orElse("none"),
                spread(p99s));
        out.println("samples: " + csv);
        return lost + wrong + back + mismatches + errors + cross;
    }

    /** {@code "; min A, median B, max C"} of the figures, or nothing when there are none. */
    static String spread(List<Double> values) {
        if (values.isEmpty()) {
            return "";
        }
        var sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return String.format(Locale.ROOT, "; min %.0f, median %.0f, max %.0f", sorted.getFirst(), median,
                sorted.getLast());
    }

    /**
     * The figures over the steady part: least-squares slope per hour of RSS, heap after GC and the
     * rest, and their means over its first and last ten minutes (a third of it when shorter).
     */
    static String trend(List<Sample> samples, double steadyFrom) {
        List<Sample> steady = samples.stream().filter(s -> s.seconds() >= steadyFrom).toList();
        List<Sample> counted = steady.stream().filter(s -> s.memories() >= 0).toList(); // the stats answered
        double from = steady.getFirst().seconds();
        double to = steady.getLast().seconds();
        double window = Math.min(600, (to - from) / 3);
        var sb = new StringBuilder(String.format(Locale.ROOT, "steady part: %.1f-%.1f min, %d samples; memories %d-%d "
                        + "(mean %.0f); slope per hour, mean over the first and last %.0f min:%n", from / 60, to / 60,
                steady.size(), counted.stream().mapToLong(Sample::memories).min().orElse(0),
                counted.stream().mapToLong(Sample::memories).max().orElse(0),
                counted.stream().mapToLong(Sample::memories).average().orElse(0), window / 60));
        trendLine(sb, "RSS (MiB)", steady, s -> s.rssKiB() / 1024.0, from, to, window);
        trendLine(sb, "heap after GC (MiB)", steady, s -> (double) s.heapAfterGcMiB(), from, to, window);
        trendLine(sb, "heap after full GC (MiB)", steady.stream().filter(s -> s.heapAfterFullGcMiB() >= 0).toList(),
                s -> (double) s.heapAfterFullGcMiB(), from, to, window);
        trendLine(sb, "open files", steady, s -> (double) s.files(), from, to, window);
        trendLine(sb, "threads", steady, s -> (double) s.threads(), from, to, window);
        trendLine(sb, "memories", counted, s -> (double) s.memories(), from, to, window);
        trendLine(sb, "segments", counted, s -> (double) s.segments(), from, to, window);
        trendLine(sb, "server cores", steady, Sample::serverCores, from, to, window);
        return sb.toString();
    }

    private static void trendLine(StringBuilder sb, String name, List<Sample> samples,
                                  java.util.function.ToDoubleFunction<Sample> f, double from, double to, double window) {
        if (samples.size() < 2) {
            sb.append(String.format(Locale.ROOT, "  %-26s too few samples%n", name));
            return;
        }
        double n = samples.size();
        double mx = samples.stream().mapToDouble(Sample::seconds).sum() / n;
        double my = samples.stream().mapToDouble(f).sum() / n;
        double sxy = 0;
        double sxx = 0;
        for (Sample s : samples) {
            sxy += (s.seconds() - mx) * (f.applyAsDouble(s) - my);
            sxx += (s.seconds() - mx) * (s.seconds() - mx);
        }
        double slope = sxx == 0 ? 0 : sxy / sxx * 3600;
        double firstMean = samples.stream().filter(s -> s.seconds() <= from + window).mapToDouble(f).average()
                .orElse(Double.NaN);
        double lastMean = samples.stream().filter(s -> s.seconds() >= to - window).mapToDouble(f).average()
                .orElse(Double.NaN);
        sb.append(String.format(Locale.ROOT, "  %-26s %+9.1f/h; first %9.1f, last %9.1f (%+.1f); min %.1f, max %.1f%n",
                name, slope, firstMean, lastMean, lastMean - firstMean,
                samples.stream().mapToDouble(f).min().orElse(0), samples.stream().mapToDouble(f).max().orElse(0)));
    }

    /**
     * One client's traffic until {@code end}: mostly remember and recall, some update, forget and list.
     * Holding the store's size, the writes become removals (a turn by id, a session's turns by filter,
     * a whole session) with a probability that rises from 0 to 1 across the band around the size asked for.
     */
    private static void drive(Options o, HttpClient http, String base, Client c, List<Client> all, Store store,
                              long end) {
        long nextCount = System.nanoTime() + 60_000_000_000L;
        long interval = o.rate() > 0 ? (long) (o.clients() / o.rate() * 1e9) : 0;
        long nextAt = System.nanoTime();
        while (System.nanoTime() < end) {
            int dice = c.random.nextInt(100);
            List<String> ids = new ArrayList<>(c.live.keySet());
            boolean filling = o.steady() > 0 && !store.steady;
            try {
                if (o.steady() > 0 && store.steady && dice < 45 && ids.size() >= 5) {
                    double over = (store.memories - o.steady()) / (2 * BAND * o.steady());
                    if (c.random.nextDouble() < Math.clamp(0.5 + over, 0, 1)) {
                        remove(http, base, c, ids);
                    } else {
                        remember(http, base, c, 4);
                    }
                } else if (filling && dice < 60 || dice < 35 || ids.size() < 5) {
                    remember(http, base, c, filling ? 8 : 4);
                } else if (dice < 70) {
                    op(c, "recall");
                    var r = call(c, http, "POST", base + "/v1/memories/search", "{\"userId\":\"" + c.user + "\",\"query\":\""
                            + phrase(c.random, 3) + "\",\"k\":5}");
                    if (check(c, "recall", r, 200)) {
                        LociJson.mapper().readTree(r.body()).path("results").forEach(m -> c.own("recall", m));
                    }
                } else if (dice < 80) {
                    String id = ids.get(c.random.nextInt(ids.size()));
                    String text = "Updated " + c.next++ + " " + c.tag() + ": " + phrase(c.random, 8);
                    op(c, "update");
                    var r = call(c, http, "PATCH", base + "/v1/memories/" + enc(id), "{\"userId\":\"" + c.user
                            + "\",\"text\":\"" + text + "\"}");
                    if (check(c, "update", r, 200)) {
                        c.live.remove(id);
                        int earlier = c.versions.getOrDefault(id, 0) + 1;
                        c.versions.remove(id);
                        String session = c.sessionOf.remove(id);
                        String now = LociJson.mapper().readTree(r.body()).path("id").asText();
                        c.live.put(now, text);
                        c.versions.put(now, earlier);
                        c.sessionOf.put(now, session);
                    }
                } else if (dice < 90) {
                    forgetOne(http, base, c, ids.get(c.random.nextInt(ids.size())));
                } else if (dice < 95) {
                    op(c, "list");
                    var r = call(c, http, "GET", base + "/v1/memories?userId=" + c.user + "&limit=20", null);
                    if (check(c, "list", r, 200)) {
                        LociJson.mapper().readTree(r.body()).path("memories").forEach(m -> c.own("list", m));
                    }
                } else {
                    readOne(http, base, c, ids.get(c.random.nextInt(ids.size())));
                    probe(http, base, c, all);
                }
                if (System.nanoTime() >= nextCount) {
                    nextCount = System.nanoTime() + 60_000_000_000L;
                    countTurns(http, base, c);
                }
                if (interval > 0) {
                    nextAt = Math.max(nextAt + interval, System.nanoTime() - 1_000_000_000L); // no burst after a stall
                    long wait = nextAt - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            } catch (IOException e) {
                c.error("I/O: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        try {
            countTurns(http, base, c); // once more at the end, so a short run checks it too
        } catch (IOException e) {
            c.error("I/O: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads one live turn by id: it must be the client's, with the text last acknowledged. */
    private static void readOne(HttpClient http, String base, Client c, String id)
            throws IOException, InterruptedException {
        op(c, "get");
        var r = call(c, http, "GET", base + "/v1/memories/" + enc(id) + "?userId=" + c.user, null);
        if (check(c, "get", r, 200)) {
            JsonNode m = LociJson.mapper().readTree(r.body());
            if (c.own("get", m) && !c.live.get(id).equals(m.path("text").asText())) {
                c.error("get " + id + ": the text is \"" + m.path("text").asText() + "\", acknowledged \""
                        + c.live.get(id) + "\"");
            }
        }
    }

    /**
     * Asks for the latest turn of a client of another tenant, with this client's key and that
     * client's user id (the same names live in every tenant): the server must answer 404.
     */
    private static void probe(HttpClient http, String base, Client c, List<Client> all)
            throws IOException, InterruptedException {
        List<Client> others = all.stream().filter(o -> !o.tenant.equals(c.tenant) && o.lastId != null).toList();
        if (others.isEmpty()) {
            return;
        }
        Client other = others.get(c.random.nextInt(others.size()));
        op(c, "probe-other-tenant");
        var r = call(c, http, "GET", base + "/v1/memories/" + enc(other.lastId) + "?userId=" + other.user, null);
        boolean leaked = r.statusCode() == 200 && !c.tenant.equals(LociJson.mapper().readTree(r.body()).path("scope")
                .path("tenant").asText()); // the same id may name a turn of this tenant: not a leak
        if (leaked) {
            c.probesAnswered++;
            c.crossTenant++;
            c.firstError = c.firstError != null ? c.firstError : ("probe-other-tenant: " + c.tenant + " read "
                    + other.tenant + "'s " + other.lastId + ": " + r.body());
        } else if (r.statusCode() != 404 && r.statusCode() != 200) {
            c.error("probe-other-tenant: " + c.tenant + " read " + other.tenant + "'s " + other.lastId + ": HTTP "
                    + r.statusCode() + " " + r.body());
        }
    }

    /** Forgets one live turn by id (its earlier versions go with it). */
    private static void forgetOne(HttpClient http, String base, Client c, String id)
            throws IOException, InterruptedException {
        op(c, "forget");
        var r = call(c, http, "DELETE", base + "/v1/memories/" + enc(id) + "?userId=" + c.user, null);
        if (check(c, "forget", r, 204)) {
            forgotten(c, id);
        }
    }

    private static void forgotten(Client c, String id) {
        c.live.remove(id);
        c.versions.remove(id);
        c.sessionOf.remove(id);
        c.forgotten.add(id);
    }

    /**
     * A removal while the store's size is held: a turn by id (half of them), the turns of the client's
     * oldest session by a filter, or that whole session (a quarter each). The server must say it
     * deleted every turn and earlier version the client holds there (a purge also deletes the
     * session's episodes and summary).
     */
    private static void remove(HttpClient http, String base, Client c, List<String> ids)
            throws IOException, InterruptedException {
        int how = c.random.nextInt(4);
        if (how < 2) {
            forgetOne(http, base, c, ids.get(c.random.nextInt(ids.size())));
            return;
        }
        String session = c.sessionOf.get(ids.getFirst());
        List<String> inSession = ids.stream().filter(id -> session.equals(c.sessionOf.get(id))).toList();
        long turns = inSession.size() + inSession.stream().mapToLong(id -> c.versions.getOrDefault(id, 0)).sum();
        HttpResponse<String> r;
        String name = how == 2 ? "forget-session-turns" : "purge-session";
        op(c, name);
        if (how == 2) {
            r = call(c, http, "POST", base + "/v1/memories/forget", "{\"userId\":\"" + c.user + "\",\"sessionId\":\""
                    + session + "\",\"kinds\":[\"TURN\"]}");
        } else {
            r = call(c, http, "DELETE", base + "/v1/memories?userId=" + c.user + "&sessionId=" + enc(session)
                    + "&confirm=true", null);
        }
        if (check(c, name, r, 200)) {
            inSession.forEach(id -> forgotten(c, id));
            long deleted = LociJson.mapper().readTree(r.body()).path("deleted").asLong(-1);
            if (how == 2 ? deleted != turns : deleted < turns) {
                c.error(name + " of " + session + ": the server deleted " + deleted + " memories, the client holds "
                        + turns + " turns (versions included) there");
            }
        }
    }

    /** Compares the server's count of the client's turns with what it acknowledged. */
    private static void countTurns(HttpClient http, String base, Client c) throws IOException, InterruptedException {
        op(c, "count");
        var r = call(c, http, "GET", base + "/v1/memories/count?userId=" + c.user + "&kind=TURN", null);
        if (check(c, "count", r, 200)) {
            long counted = LociJson.mapper().readTree(r.body()).path("count").asLong();
            long expected = c.live.size() + c.versions.values().stream().mapToLong(Integer::longValue).sum();
            if (counted != expected) {
                c.countMismatches++;
                c.error("count: the server counts " + counted + " turns (versions included), " + expected
                        + " acknowledged");
            }
        }
    }

    private static void remember(HttpClient http, String base, Client c, int most)
            throws IOException, InterruptedException {
        int n = 1 + c.random.nextInt(most);
        var texts = new ArrayList<String>();
        String session = "s" + (c.next / 40);
        var body = new StringBuilder("{\"userId\":\"" + c.user + "\",\"sessionId\":\"" + session
                + "\",\"messages\":[");
        for (int i = 0; i < n; i++) {
            long k = c.next++;
            String text = "Note " + k + " " + c.tag() + " from " + c.user + ": " + phrase(c.random, 10);
            texts.add(text);
            body.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"speaker\":\"").append(c.user)
                    .append("\",\"clientId\":\"c").append(k).append("\",\"text\":\"").append(text).append("\"}");
        }
        op(c, "remember");
        var r = call(c, http, "POST", base + "/v1/memories", body.append("]}").toString());
        if (check(c, "remember", r, 201)) {
            JsonNode ids = LociJson.mapper().readTree(r.body()).path("ids");
            for (int i = 0; i < ids.size(); i++) {
                c.live.put(ids.get(i).asText(), texts.get(i));
                c.sessionOf.put(ids.get(i).asText(), session);
            }
            if (!ids.isEmpty()) {
                c.lastId = ids.get(ids.size() - 1).asText();
            }
            if (c.random.nextInt(10) == 0) {
                retry(http, base, c, body.toString(), ids.size());
            }
        }
    }

    /**
     * Sends an acknowledged remember again, as a client that lost the answer would: the same client
     * ids must add nothing (and the next count check finds any duplicate that slipped in).
     */
    private static void retry(HttpClient http, String base, Client c, String body, int acknowledged)
            throws IOException, InterruptedException {
        op(c, "remember again");
        var r = call(c, http, "POST", base + "/v1/memories", body);
        if (check(c, "remember again", r, 200)) {
            JsonNode again = LociJson.mapper().readTree(r.body());
            if (again.path("added").asLong(-1) != 0 || again.path("skipped").asLong(-1) != acknowledged) {
                c.error("remember again with the same client ids: " + r.body() + " (" + acknowledged
                        + " acknowledged before)");
            }
        }
    }

    private static JsonNode get(HttpClient http, String base, Client c, String user, String id) {
        return jsonOrNull(http, c.token, base + "/v1/memories/" + enc(id) + "?userId=" + user);
    }

    /** The body of a GET answered 200, or null when it was not (or the server did not answer). */
    private static JsonNode jsonOrNull(HttpClient http, String token, String url) {
        try {
            var r = send(http, token, "GET", url, null);
            return r.statusCode() == 200 ? LociJson.mapper().readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A request of the client's traffic, its time kept for the latency figures. */
    private static HttpResponse<String> call(Client c, HttpClient http, String method, String uri, String body)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        try {
            return send(http, c.token, method, uri, body);
        } finally {
            c.millis.add((System.nanoTime() - t0) / 1e6);
        }
    }

    /** The 50th and 99th percentile and the largest of the clients' request times since the last call, in ms. */
    private static double[] latencies(List<Client> clients) {
        var all = new ArrayList<Double>();
        for (Client c : clients) {
            for (Double m; (m = c.millis.poll()) != null; ) {
                all.add(m);
            }
        }
        if (all.isEmpty()) {
            return new double[] {0, 0, 0};
        }
        all.sort(null);
        return new double[] {all.get((all.size() - 1) / 2), all.get((int) Math.ceil(all.size() * 0.99) - 1),
                all.getLast()};
    }

    private static HttpResponse<String> send(HttpClient http, String token, String method, String uri, String body)
            throws IOException, InterruptedException {
        var b = HttpRequest.newBuilder(URI.create(uri)).timeout(REQUEST_TIMEOUT).header("Authorization",
                "Bearer " + token);
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean check(Client c, String op, HttpResponse<String> r, int expected) {
        if (r.statusCode() == expected) {
            return true;
        }
        c.error(op + ": HTTP " + r.statusCode() + " " + r.body());
        return false;
    }

    private static void op(Client c, String name) {
        c.ops.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
    }

    private static String totals(List<Client> clients) {
        var sum = new java.util.TreeMap<String, Long>();
        for (Client c : clients) {
            c.ops.forEach((k, v) -> sum.merge(k, v.get(), Long::sum));
        }
        return sum.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).reduce((a, b) -> a + ", " + b)
                .orElse("no requests yet");
    }

    private static String phrase(Random random, int words) {
        var s = new StringBuilder();
        for (int i = 0; i < words; i++) {
            s.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return s.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The server's {@code /v1/stats} (memories, segments), or null when it does not answer. */
    private static JsonNode stats(HttpClient http, String base, String token) {
        return jsonOrNull(http, token, base + "/v1/stats");
    }

    /** Asks the server JVM for a full collection ({@code jcmd PID GC.run}); the GC log then says what is live. */
    private static void fullGc(long pid) throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return;
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            // no full collection this time: the figure stays the last one
        }
    }

    /**
     * The server's GC log ({@code -Xlog:gc}), read as it grows: each collection's line ends in
     * {@code before->after(committed)}.
     */
    static final class GcLog {
        private static final java.util.regex.Pattern SIZES =
                java.util.regex.Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
        private final Path file;
        private long offset;
        private String partial = "";
        private long minAfter = -1;
        private long lastAfter = -1;
        private long lastFullAfter = -1;
        private long committed = -1;

        GcLog(Path file) {
            this.file = file;
        }

        void read() {
            try (var ch = java.nio.channels.FileChannel.open(file)) {
                long size = ch.size();
                if (size <= offset) {
                    return;
                }
                var buf = java.nio.ByteBuffer.allocate((int) Math.min(size - offset, 8 << 20));
                ch.read(buf, offset);
                offset += buf.position();
                String text = partial + new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
                int cut = text.lastIndexOf('\n') + 1;
                partial = text.substring(cut);
                for (String line : text.substring(0, cut).split("\n")) {
                    line(line);
                }
            } catch (IOException e) {
                // not written yet
            }
        }

        void line(String line) {
            var m = SIZES.matcher(line);
            if (!m.find()) {
                return;
            }
            long after = Long.parseLong(m.group(2));
            lastAfter = after;
            committed = Long.parseLong(m.group(3));
            minAfter = minAfter < 0 ? after : Math.min(minAfter, after);
            if (line.contains("Pause Full")) {
                lastFullAfter = after;
            }
        }

        /** The smallest heap after a collection since the last call (the last one's when none ran), in MiB. */
        long afterMinSinceRead() {
            long v = minAfter < 0 ? lastAfter : minAfter;
            minAfter = -1;
            return v;
        }

        long lastFullAfter() {
            return lastFullAfter;
        }

        long committed() {
            return committed;
        }
    }

    /** User plus system CPU time of a process, in clock ticks (1/100 s on Linux); 0 when unknown. */
    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long ownCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private static long procStatus(long pid, String field) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(l -> l.startsWith(field)).map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                    .findFirst().orElse(0L);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long rssKiB(long pid) {
        return procStatus(pid, "VmRSS:"); // 0: not Linux, or the process is gone
    }

    private static long openFiles(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
