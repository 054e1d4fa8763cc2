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
 * clients, each with a user of its own, remember, recall, update, forget and list over HTTP; each
 * keeps what the server acknowledged (the user's live turns and their texts, the forgotten ids) and
 * every minute and at the end compares the server's count of its turns (earlier versions included)
 * with it. The server's resident memory
 * (VmRSS) and open files are sampled every 10 s. At the end every acknowledged turn is read back
 * (right text), every forgotten one must be gone, the server is stopped and {@code loci check}
 * verifies the data directory. Prints a line per minute and a summary; returns the failures (lost or
 * wrong writes, forgotten turns back, count mismatches, errors, a failed check): 0 is the goal.
 */
final class SoakBenchmark {
    private static final Duration START_LIMIT = Duration.ofSeconds(120);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final String[] WORDS = ("garden kayak choir tulips bread bees honey chess violin market river "
            + "bicycle lantern orchard recipe train museum harbor winter letter").split(" ");

    record Options(double minutes, int clients, long seed, Path workDir) {
    }

    /** What one client saw the server acknowledge, and what went wrong. */
    private static final class Client {
        final String user;
        final Random random;
        final Map<String, String> live = new LinkedHashMap<>();
        /** Earlier versions a live turn keeps (a forget deletes them with it): counted as turns too. */
        final Map<String, Integer> versions = new HashMap<>();
        final Set<String> forgotten = new HashSet<>();
        final Map<String, AtomicLong> ops = new ConcurrentHashMap<>();
        long errors;
        long countMismatches;
        long next;
        String firstError;

        Client(int n, long seed) {
            this.user = "soak-u" + n;
            this.random = new Random(seed * 31 + n);
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
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process server = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xss4m",
                "-cp", System.getProperty("java.class.path"), ServeMain.class.getName(),
                "--data-dir", data.toString(), "--port", Integer.toString(port), "--no-auth", "--tenant", "soak")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        out.printf(Locale.ROOT, "soak: %.1f min, %d clients, seed %d, data %s, server pid %d (log %s), load %s%n",
                o.minutes(), o.clients(), o.seed(), data, server.pid(), log, loadAverage());
        long failures;
        try {
            if (!ServeMain.awaitReady(http, port, server, START_LIMIT)) {
                throw new IllegalStateException("loci serve was not ready within " + START_LIMIT.toSeconds()
                        + " s; see " + log);
            }
            failures = soak(o, http, "http://127.0.0.1:" + port, server, out);
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

    private static long soak(Options o, HttpClient http, String base, Process server, PrintStream out)
            throws InterruptedException {
        long start = System.nanoTime();
        long end = start + (long) (o.minutes() * 60e9);
        List<Client> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < o.clients(); c++) {
            Client client = new Client(c, o.seed());
            clients.add(client);
            threads.add(Thread.ofPlatform().name("soak-client-" + c).start(() -> drive(http, base, client, end)));
        }
        long rssFirst = -1;
        long rssMax = 0;
        long rssWarm = -1;
        long filesMax = 0;
        long rss = 0;
        long files = 0;
        int minute = 0;
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(10_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            rss = rssKiB(server.pid());
            files = openFiles(server.pid());
            rssFirst = rssFirst < 0 ? rss : rssFirst;
            rssMax = Math.max(rssMax, rss);
            filesMax = Math.max(filesMax, files);
            double elapsed = (System.nanoTime() - start) / 60e9;
            if (rssWarm < 0 && elapsed >= Math.min(1, o.minutes() / 4)) {
                rssWarm = rss; // after the model, caches and first segments have settled
            }
            if (elapsed >= minute + 1 || System.nanoTime() >= end) {
                minute = (int) elapsed;
                out.printf(Locale.ROOT, "%5.1f min: %s; RSS %d MiB, %d open files, load %s%n", elapsed, totals(clients),
                        rss / 1024, files, loadAverage());
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
                JsonNode m = get(http, base, c.user, e.getKey());
                if (m == null) {
                    lost++;
                } else if (!e.getValue().equals(m.path("text").asText())) {
                    wrong++;
                }
            }
            for (String id : c.forgotten) {
                if (get(http, base, c.user, id) != null) {
                    back++;
                }
            }
        }
        long errors = clients.stream().mapToLong(c -> c.errors).sum();
        long mismatches = clients.stream().mapToLong(c -> c.countMismatches).sum();
        out.printf(Locale.ROOT, "done: %s%n", totals(clients));
        out.printf(Locale.ROOT, "acknowledged turns alive at the end: %d; lost %d, wrong text %d; forgotten that came "
                + "back %d; count mismatches %d; errors %d%n", acknowledged, lost, wrong, back, mismatches, errors);
        clients.stream().filter(c -> c.firstError != null).forEach(c -> out.println("  first error of " + c.user + ": "
                + c.firstError));
        out.printf(Locale.ROOT, "RSS: %d MiB at the first sample, %d MiB after warm-up, %d MiB at the end (%+d MiB since "
                + "warm-up), %d MiB at most; open files %d at the end, %d at most; load %s%n", rssFirst / 1024,
                Math.max(rssWarm, 0) / 1024, rss / 1024, (rss - Math.max(rssWarm, 0)) / 1024, rssMax / 1024, files,
                filesMax, loadAverage());
        return lost + wrong + back + mismatches + errors;
    }

    /** One client's traffic until {@code end}: mostly remember and recall, some update, forget and list. */
    private static void drive(HttpClient http, String base, Client c, long end) {
        long nextCount = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end) {
            int dice = c.random.nextInt(100);
            List<String> ids = new ArrayList<>(c.live.keySet());
            try {
                if (dice < 35 || ids.size() < 5) {
                    remember(http, base, c);
                } else if (dice < 70) {
                    op(c, "recall");
                    var r = send(http, "POST", base + "/v1/memories/search", "{\"userId\":\"" + c.user + "\",\"query\":\""
                            + phrase(c.random, 3) + "\",\"k\":5}");
                    check(c, "recall", r, 200);
                } else if (dice < 80) {
                    String id = ids.get(c.random.nextInt(ids.size()));
                    String text = "Updated " + c.next++ + ": " + phrase(c.random, 8);
                    op(c, "update");
                    var r = send(http, "PATCH", base + "/v1/memories/" + enc(id), "{\"userId\":\"" + c.user
                            + "\",\"text\":\"" + text + "\"}");
                    if (check(c, "update", r, 200)) {
                        c.live.remove(id);
                        int earlier = c.versions.getOrDefault(id, 0) + 1;
                        c.versions.remove(id);
                        String now = LociJson.mapper().readTree(r.body()).path("id").asText();
                        c.live.put(now, text);
                        c.versions.put(now, earlier);
                    }
                } else if (dice < 90) {
                    String id = ids.get(c.random.nextInt(ids.size()));
                    op(c, "forget");
                    var r = send(http, "DELETE", base + "/v1/memories/" + enc(id) + "?userId=" + c.user, null);
                    if (check(c, "forget", r, 204)) {
                        c.live.remove(id);
                        c.versions.remove(id);
                        c.forgotten.add(id);
                    }
                } else {
                    op(c, "list");
                    check(c, "list", send(http, "GET", base + "/v1/memories?userId=" + c.user + "&limit=20", null), 200);
                }
                if (System.nanoTime() >= nextCount) {
                    nextCount = System.nanoTime() + 60_000_000_000L;
                    countTurns(http, base, c);
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

    /** Compares the server's count of the client's turns with what it acknowledged. */
    private static void countTurns(HttpClient http, String base, Client c) throws IOException, InterruptedException {
        op(c, "count");
        var r = send(http, "GET", base + "/v1/memories/count?userId=" + c.user + "&kind=TURN", null);
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

    private static void remember(HttpClient http, String base, Client c) throws IOException, InterruptedException {
        int n = 1 + c.random.nextInt(4);
        var texts = new ArrayList<String>();
        var body = new StringBuilder("{\"userId\":\"" + c.user + "\",\"sessionId\":\"s" + (c.next / 40)
                + "\",\"messages\":[");
        for (int i = 0; i < n; i++) {
            long k = c.next++;
            String text = "Note " + k + " from " + c.user + ": " + phrase(c.random, 10);
            texts.add(text);
            body.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"speaker\":\"").append(c.user)
                    .append("\",\"clientId\":\"c").append(k).append("\",\"text\":\"").append(text).append("\"}");
        }
        op(c, "remember");
        var r = send(http, "POST", base + "/v1/memories", body.append("]}").toString());
        if (check(c, "remember", r, 201)) {
            JsonNode ids = LociJson.mapper().readTree(r.body()).path("ids");
            for (int i = 0; i < ids.size(); i++) {
                c.live.put(ids.get(i).asText(), texts.get(i));
            }
        }
    }

    private static JsonNode get(HttpClient http, String base, String user, String id) {
        try {
            var r = send(http, "GET", base + "/v1/memories/" + enc(id) + "?userId=" + user, null);
            return r.statusCode() == 200 ? LociJson.mapper().readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static HttpResponse<String> send(HttpClient http, String method, String uri, String body)
            throws IOException, InterruptedException {
        var b = HttpRequest.newBuilder(URI.create(uri)).timeout(REQUEST_TIMEOUT);
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

    private static long rssKiB(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                    .findFirst().orElse(0L);
        } catch (IOException | RuntimeException e) {
            return 0; // not Linux, or the process is gone
        }
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
