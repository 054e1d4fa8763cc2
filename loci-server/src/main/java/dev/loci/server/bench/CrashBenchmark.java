package dev.loci.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loci.json.LociJson;
import dev.loci.server.cli.ServeMain;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code loci bench crash}: a real {@code loci serve} process under concurrent remember load over
 * HTTP is killed with SIGKILL at a random moment, started again on the same data directory, and
 * every remember that was answered 2xx before the kill must be there: read back by id. Trials
 * share one data directory, so each start also replays what the kills before left behind.
 * The start that checks a trial's writes is the next trial's server, so a trial costs one start.
 * Prints one line per trial and "N trials, A acknowledged, L lost".
 */
public final class CrashBenchmark {
    /** Longest a start may take (the model loads; the log is replayed). */
    private static final Duration START_LIMIT = Duration.ofSeconds(120);

    /** @param trials kills; @param clients concurrent writers; @param seed for the kill moments */
    public record Options(int trials, int clients, long seed, Path workDir) {
    }

    private CrashBenchmark() {
    }

    /** Runs the trials; returns the number of acknowledged writes lost (0 is the goal). */
    public static long run(Options options, PrintStream out) throws Exception {
        Path data = Files.createTempDirectory(options.workDir(), "crash-");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        Random random = new Random(options.seed());
        long acknowledged = 0;
        long lost = 0;
        AtomicLong sequence = new AtomicLong();
        out.printf(Locale.ROOT, "crash: %d trials, %d clients, seed %d, data %s%n", options.trials(), options.clients(),
                options.seed(), data);
        // The start that checks a trial is the next trial's server: it has just replayed what the kill left, which
        // is where the next trial would start from anyway, so each trial costs one start instead of two.
        long began = System.nanoTime();
        int port = freePort();
        Process server = start(data, port, options.workDir().resolve("serve-1.log"));
        double firstStart;
        try {
            awaitReady(http, port, server);
            firstStart = (System.nanoTime() - began) / 1e9;
            for (int trial = 1; trial <= options.trials(); trial++) {
                long trialBegan = System.nanoTime();
                var acked = new ConcurrentLinkedQueue<String>();
                var stop = new AtomicBoolean();
                List<Thread> writers = new ArrayList<>();
                for (int c = 0; c < options.clients(); c++) {
                    int client = c;
                    int writePort = port;
                    writers.add(Thread.ofPlatform().name("crash-writer-" + c).start(() ->
                            write(http, writePort, client, sequence, acked, stop)));
                }
                // the first writes wait for a cold model; the kill comes at a random moment after writes flow
                long flowing = System.nanoTime() + START_LIMIT.toNanos();
                while (acked.isEmpty() && System.nanoTime() < flowing) {
                    Thread.sleep(10);
                }
                long loadMillis = 500 + random.nextInt(2500);
                Thread.sleep(loadMillis);
                server.destroyForcibly(); // SIGKILL: no drain, no close, no shutdown hook
                server.waitFor(30, TimeUnit.SECONDS);
                stop.set(true);
                for (Thread w : writers) {
                    w.join();
                }
                // started again on the same directory: every acknowledged write must be there
                port = freePort();
                long restartBegan = System.nanoTime();
                server = start(data, port, options.workDir().resolve("serve-" + (trial + 1) + ".log"));
                awaitReady(http, port, server);
                long restart = System.nanoTime() - restartBegan;
                long missing = 0;
                for (String id : acked) {
                    if (!present(http, port, id)) {
                        missing++;
                    }
                }
                acknowledged += acked.size();
                lost += missing;
                out.printf(Locale.ROOT, "trial %d: killed %d ms after the first acknowledgement, %d acknowledged, "
                        + "%d lost (%.1f s, of which %.1f s the restart)%n", trial, loadMillis, acked.size(), missing,
                        (System.nanoTime() - trialBegan) / 1e9, restart / 1e9);
            }
        } finally {
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        double total = (System.nanoTime() - began) / 1e9;
        out.printf(Locale.ROOT, "%.0f s in all, %.1f s a trial (the first start, %.1f s, included)%n", total,
                total / options.trials(), firstStart);
        out.printf(Locale.ROOT, "%d trials, %d acknowledged, %d lost%n", options.trials(), acknowledged, lost);
        return lost;
    }

    private static void write(HttpClient http, int port, int client, AtomicLong sequence,
                              ConcurrentLinkedQueue<String> acked, AtomicBoolean stop) {
        while (!stop.get()) {
            long n = sequence.incrementAndGet();
            String body = "{\"userId\":\"u" + client + "\",\"sessionId\":\"s" + (n / 50) + "\",\"messages\":[{\"clientId\":\"m"
                    + n + "\",\"speaker\":\"u" + client + "\",\"text\":\"note number " + n
                    + ": the crash benchmark wrote this while the server could die at any moment\"}]}";
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                + "/v1/memories")).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 == 2) {
                    JsonNode ids = LociJson.mapper().readTree(r.body()).get("ids");
                    ids.forEach(id -> acked.add(id.asText()));
                }
            } catch (IOException e) {
                // No answer (the server died, or a request outlasted its timeout on a loaded machine): not
                // acknowledged. Keep writing until the kill is over: a writer that gave up on one slow answer
                // left the trial without load (seen at load 28: every first write took 31 s).
                try {
                    Thread.sleep(50);
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean present(HttpClient http, int port, String id) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/memories/" + id)).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200;
    }

    private static Process start(Path data, int port, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xss4m",
                "-cp", System.getProperty("java.class.path"), ServeMain.class.getName(),
                "--data-dir", data.toString(), "--port", Integer.toString(port), "--no-auth", "--tenant", "crash");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitReady(HttpClient http, int port, Process server) throws InterruptedException {
        if (!ServeMain.awaitReady(http, port, server, START_LIMIT)) {
            throw new IllegalStateException(server.isAlive()
                    ? "loci serve was not ready within " + START_LIMIT.toSeconds() + " s"
                    : "loci serve exited with " + server.exitValue() + " before it was ready");
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
