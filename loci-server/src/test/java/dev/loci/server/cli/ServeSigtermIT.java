package dev.loci.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loci.Scope;
import dev.loci.embedded.EmbeddedLoci;
import dev.loci.embedded.EmbeddedOptions;
import dev.loci.testkit.ChildProcesses;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loci serve} in a real child JVM (real ONNX model, real Lucene store) gets SIGTERM while
 * concurrent remember requests are in flight. It must exit 0; every request answered 2xx must be in
 * the store when the directory is opened again; that open must replay nothing from the log (the
 * server closed the store cleanly, it did not leave a crash to recover from); and the JVM must not
 * have crashed (no hs_err file). The second test does the same with SIGINT or SIGTERM at a random
 * moment while clients recall as well as remember.
 */
class ServeSigtermIT {
    private static final int CLIENTS = 8;
    private static final int ACKED_BEFORE_SIGTERM = 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void sigtermDrainsExitsZeroAndLosesNothingAcknowledged() throws Exception {
        Serve serve = Serve.start(tmp);
        Process child = serve.child();
        Path log = serve.log();
        try {
            int port = serve.port();
            HttpClient http = serve.http();

            Map<String, String> acked = new ConcurrentHashMap<>(); // memory id -> userId
            var statuses = new ConcurrentLinkedQueue<Integer>();
            AtomicInteger inFlight = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch enoughAcked = new CountDownLatch(ACKED_BEFORE_SIGTERM);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                    String user = "user" + client;
                    for (int i = 0; !stop.get(); i++) {
                        String body = "{\"userId\":\"" + user + "\",\"sessionId\":\"s" + (i / 10) + "\",\"messages\":["
                                + "{\"clientId\":\"" + user + "-" + i + "\",\"speaker\":\"U" + client
                                + "\",\"text\":\"Message " + i + " from client " + client + ": the weather in Lisbon was warm.\"}]}";
                        inFlight.incrementAndGet();
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + port + "/v1/memories"))
                                    .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            statuses.add(r.statusCode());
                            if (r.statusCode() / 100 == 2) {
                                JSON.readTree(r.body()).get("ids").forEach(id -> acked.put(id.asText(), user));
                                enoughAcked.countDown();
                            } else if (r.statusCode() == 503) {
                                return; // stopping: refused, nothing stored
                            }
                        } catch (IOException e) {
                            return; // the port closed
                        } catch (InterruptedException e) {
                            return;
                        } finally {
                            inFlight.decrementAndGet();
                        }
                    }
                }));
            }
            assertTrue(enoughAcked.await(120, TimeUnit.SECONDS), "server acknowledged too few requests\n" + tail(log));
            int inFlightAtSigterm = inFlight.get();
            child.destroy(); // SIGTERM on Linux
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "no exit within 60 s of SIGTERM\n" + tail(log));
            stop.set(true);
            for (Thread t : clients) {
                t.join(TimeUnit.SECONDS.toMillis(70));
            }
            assertEquals(0, child.exitValue(), "exit code after SIGTERM\n" + tail(log));
            assertTrue(inFlightAtSigterm > 0, "no request was in flight at SIGTERM; the test proved nothing");
            assertTrue(statuses.stream().allMatch(s -> s / 100 == 2 || s == 503),
                    "only 2xx, or 503 while stopping: " + statuses);

            serve.assertClosedCleanlyWith(acked, "");
            assertTrue(acked.size() >= ACKED_BEFORE_SIGTERM, "acknowledged: " + acked.size());
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * SIGINT (Ctrl-C) and SIGTERM at a seeded random moment while half the clients recall (search)
     * and half remember: the same guarantees as above, and no search answered with anything but 2xx
     * or 503. Trials alternate SIGINT and SIGTERM, starting with SIGINT; default 1,
     * {@code -Dloci.serve.signalTrials=N} for more, seed {@code -Dloci.serve.signalSeed}.
     */
    @Test
    void sigintOrSigtermDuringRecallAndRememberExitsZeroAndLosesNothing() throws Exception {
        ChildProcesses.assumeSigintReachesChildren();
        int trials = Integer.getInteger("loci.serve.signalTrials", 1);
        long seed = Long.getLong("loci.serve.signalSeed", 20261205L);
        var random = new java.util.Random(seed);
        for (int trial = 0; trial < trials; trial++) {
            boolean sigint = trial % 2 == 0;
            int delayMs = random.nextInt(1500);
            signalDuringRecall(trial, sigint, delayMs, "trial " + trial + " (SIG" + (sigint ? "INT" : "TERM") + " "
                    + delayMs + " ms after recalls flowed, seed " + seed + ")");
        }
    }

    private void signalDuringRecall(int trial, boolean sigint, int delayMs, String where) throws Exception {
        Serve serve = Serve.start(tmp.resolve("recall-" + trial));
        Process child = serve.child();
        Path log = serve.log();
        try {
            int port = serve.port();
            HttpClient http = serve.http();
            Map<String, String> acked = new ConcurrentHashMap<>(); // memory id -> userId
            var statuses = new ConcurrentLinkedQueue<String>();
            AtomicInteger recalled = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                boolean recalls = c % 2 == 1;
                String user = "user" + (client / 2); // each recalling client asks about its neighbour's memories
                clients.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String path = recalls ? "/v1/memories/search" : "/v1/memories";
                        String body = recalls
                                ? "{\"userId\":\"" + user + "\",\"query\":\"what was the weather in Lisbon, message " + i + "?\",\"k\":5}"
                                : "{\"userId\":\"" + user + "\",\"sessionId\":\"s" + (i / 10) + "\",\"messages\":[{\"clientId\":\""
                                + user + "-" + i + "\",\"speaker\":\"U" + client + "\",\"text\":\"Message " + i + " from client "
                                + client + ": the weather in Lisbon was warm.\"}]}";
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + port + path))
                                    .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            statuses.add(path + " " + r.statusCode());
                            if (r.statusCode() / 100 != 2) {
                                return; // 503 while stopping (anything else fails the test below)
                            }
                            if (recalls) {
                                recalled.incrementAndGet();
                            } else {
                                JSON.readTree(r.body()).get("ids").forEach(id -> acked.put(id.asText(), user));
                            }
                        } catch (IOException e) {
                            return; // the port closed
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (recalled.get() < CLIENTS && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(recalled.get() >= CLIENTS, where + ": too few recalls answered\n" + tail(log));
            Thread.sleep(delayMs);
            if (sigint) {
                assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor());
            } else {
                child.destroy();
            }
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), where + ": no exit within 60 s of the signal\n" + tail(log));
            stop.set(true);
            for (Thread t : clients) {
                t.join(TimeUnit.SECONDS.toMillis(70));
            }
            assertEquals(0, child.exitValue(), where + ": exit code\n" + tail(log));
            assertTrue(statuses.stream().allMatch(s -> s.endsWith(" 200") || s.endsWith(" 201") || s.endsWith(" 503")),
                    where + ": only 2xx, or 503 while stopping: " + statuses.stream().filter(s -> !s.endsWith(" 200")).toList());
            serve.assertClosedCleanlyWith(acked, where + ": ");
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * A {@code loci serve} child on {@code dir}/data, its working directory {@code dir}/cwd (where an
     * hs_err file would be written) and its output in {@code dir}/serve.log, listening and ready.
     */
    private record Serve(Process child, int port, HttpClient http, Path dir, Path log) {
        static Serve start(Path dir) throws Exception {
            Path log = dir.resolve("serve.log");
            Path work = Files.createDirectories(dir.resolve("cwd"));
            Process child = ServeSigtermIT.start(dir.resolve("data"), work, log);
            try {
                int port = awaitPort(child, log);
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                awaitReady(http, port, child, log);
                return new Serve(child, port, http, dir, log);
            } catch (Exception | AssertionError e) {
                child.destroyForcibly();
                throw e;
            }
        }

        /** The stopped server's store reopens without replaying its log and holds every acknowledged memory; no crash file. */
        void assertClosedCleanlyWith(Map<String, String> acked, String where) throws IOException {
            try (var loci = EmbeddedLoci.open(dir.resolve("data"), EmbeddedOptions.defaults().withCreateIfMissing(false))) {
                assertEquals("0", loci.stats().details().get("recoveredRecords"),
                        where + "the reopened store replayed its log: the server did not close it cleanly");
                for (var e : acked.entrySet()) {
                    assertTrue(loci.get(new Scope("dev", e.getValue(), null, null), e.getKey()).isPresent(),
                            where + "acknowledged memory " + e.getKey() + " of " + e.getValue() + " is missing");
                }
            }
            try (Stream<Path> files = Stream.concat(Files.list(dir.resolve("cwd")), Files.list(dir))) {
                assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith("hs_err")).toList(),
                        where + "the child JVM crashed");
            }
        }
    }

    private static Process start(Path data, Path work, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var cmd = ChildProcesses.withDefaultSigint(List.of(java, "--enable-native-access=ALL-UNNAMED", "--add-modules",
                "jdk.incubator.vector", "-Xmx1g", "-cp", System.getProperty("java.class.path"), ServeMain.class.getName(),
                "--data-dir", data.toString(), "--port", "0", "--no-auth", "--tenant", "dev"));
        return new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    private static int awaitPort(Process child, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && child.isAlive()) {
            int port = ServeMain.listeningPort(Files.readString(log));
            if (port > 0) {
                return port;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the child never said where it listens\n" + tail(log));
    }

    private static void awaitReady(HttpClient http, int port, Process child, Path log) throws Exception {
        if (!ServeMain.awaitReady(http, port, child, Duration.ofSeconds(120))) {
            throw new AssertionError("the child never became ready\n" + tail(log));
        }
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log);
            return s.substring(Math.max(0, s.length() - 4000));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
