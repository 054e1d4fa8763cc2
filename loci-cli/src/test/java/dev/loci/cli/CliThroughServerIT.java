package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loci.server.ServerFile;
import dev.loci.server.cli.ServeMain;
import dev.loci.store.lucene.LuceneMemoryStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands next to a real {@code loci serve} process holding their data directory: each read
 * prints what it printed on the directory itself, writes go through the server, what needs the
 * store to itself says to stop the server, the local access token works only as documented, and a
 * server killed outright leaves a file that is recognised as stale. The server is started as the
 * {@code loci} command starts it ({@link Main}), so its stderr is what a user sees.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliThroughServerIT {
    private static final Pattern GPU_WARNING = Pattern.compile("CudaUtils|GPU count");

    @TempDir
    static Path dir;
    static Path data;
    static Path log;
    static Process server;
    static int port;
    static String allergyId;
    /** What each read command printed on the directory itself, before the server started. */
    static final Map<String, String> embedded = new LinkedHashMap<>();
    static final HttpClient http = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void ingestThenServe() throws Exception {
        data = dir.resolve("data");
        Path conversation = dir.resolve("conversation.json");
        try (InputStream in = CliThroughServerIT.class.getResourceAsStream("/demo/conversation.json")) {
            Files.copy(in, conversation);
        }
        ok(withStore("ingest", "--no-progress", conversation.toString()));
        Matcher id = Pattern.compile("(?m)^\\d+\\s+(m[0-9a-f]+)\\s.*peanut").matcher(
                ok(withStore("recall", "peanut allergy", "--k", "3")).out());
        assertTrue(id.find(), "the allergy turn is recalled");
        allergyId = id.group(1);
        for (var entry : reads().entrySet()) {
            CliRun run = CliRun.of(entry.getValue());
            assertEquals(entry.getKey().equals("purge") ? 2 : 0, run.exit(), run.transcript());
            embedded.put(entry.getKey(), comparable(entry.getKey(), run));
        }
        ok("keys", "create", "--data-dir", data.toString(), "--tenant", "acme", "--role", "read"); // auth stays on

        log = dir.resolve("serve.log");
        server = java(log, "serve", "--data-dir", data.toString(), "--port", "0");
        port = awaitPort(server, log);
        assertTrue(ServeMain.awaitReady(http, port, server, Duration.ofSeconds(120)), "never ready\n" + tail(log));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(data.resolve(ServerFile.FILE_NAME)) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    /** The read commands compared, each by name. */
    private static Map<String, String[]> reads() {
        var reads = new LinkedHashMap<String, String[]>();
        reads.put("recall", withStore("recall", "what did Maya adopt?", "--k", "5"));
        reads.put("get", withStore("get", allergyId));
        reads.put("history", withStore("history", allergyId));
        reads.put("list", withStore("list", "--limit", "5"));
        reads.put("list --json", withStore("list", "--limit", "3", "--json"));
        reads.put("context", withStore("context", "--budget", "200", "what should I know about the dog?"));
        reads.put("stats", new String[] {"stats", "--data-dir", data.toString()});
        reads.put("users", new String[] {"users", "--data-dir", data.toString(), "--tenant", "acme"});
        reads.put("purge", withStore("purge")); // without --yes: how many would go
        return reads;
    }

    /**
     * The part of a command's output that must not depend on where it ran: recall's timing line
     * differs (no model load through a server); stats' figures of the moment (embedder calls, log
     * bytes, segments, the builder's queue, which a process that only reads does not run, and so
     * the column width) belong to whichever process holds the store; and every recall and context
     * counts as an access of what it returned (JSON's {@code accessCount}, {@code lastAccessedAt}).
     */
    private static String comparable(String name, CliRun run) {
        String text = name.equals("purge") ? run.err().replaceAll("(?m)^.*working through it\\R", "") : run.out();
        return switch (name) {
            case "get", "list --json" -> withoutAccesses(text);
            // ids, order and each signal's rank and score, not the fused score's last digits: the server
            // embeds the question on its own model session, whose last float digits can differ
            case "recall" -> text.replaceAll("(?m)^\\(\\d+ results in .*\\R", "")
                    .replaceAll("(?m)^(\\d+ +\\S+ +\\d+\\.\\d{2})\\d+", "$1");
            case "stats" -> text.lines().filter(l -> l.matches("(data dir|memories|  [A-Z]+|embedder|store|format version|"
                    + "vector dimensions|durability) .*")).map(l -> l.replaceAll("(\\S) {2,}", "$1  ")) // column width
                    .reduce("", (a, b) -> a + b + "\n");
            default -> text;
        };
    }

    /** JSON output without the access figures, and without a lifecycle that is default but for them. */
    private static String withoutAccesses(String json) {
        try {
            JsonNode tree = JSON.readTree(json);
            List<JsonNode> all = new ArrayList<>();
            tree.findParents("lifecycle").forEach(all::add);
            for (JsonNode parent : all) {
                ObjectNode life = (ObjectNode) parent.get("lifecycle");
                life.remove(List.of("accessCount", "lastAccessedAt"));
                boolean none = life.path("expiresAt").isNull() && !life.path("pinned").asBoolean()
                        && life.path("supersedes").isNull() && life.path("supersededBy").isNull();
                if (none) {
                    ((ObjectNode) parent).remove("lifecycle");
                }
            }
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    @Test
    @Order(1)
    void readsThroughTheServerPrintWhatTheyPrintOnTheDirectory() {
        String through = "held by loci serve (pid " + server.pid() + ", http://127.0.0.1:" + port + "); working through it";
        for (var entry : reads().entrySet()) {
            CliRun run = CliRun.of(entry.getValue());
            assertEquals(entry.getKey().equals("purge") ? 2 : 0, run.exit(), run.transcript());
            assertTrue(run.err().contains(through), entry.getKey() + " says it works through the server\n"
                    + run.transcript());
            assertEquals(embedded.get(entry.getKey()), comparable(entry.getKey(), run), entry.getKey());
        }
        assertFalse(GPU_WARNING.matcher(tail(log)).find(), "serve's stderr:\n" + tail(log));
    }

    @Test
    @Order(2)
    void writesGoThroughTheServer() throws IOException {
        CliRun updated = ok(withStore("update", allergyId, "I am allergic to peanuts and to cashews."));
        assertTrue(updated.out().contains("to cashews"), updated.out());
        assertTrue(ok(withStore("history", allergyId)).out().contains("v2"), "a second version");

        Path more = dir.resolve("more.jsonl");
        Files.writeString(more, """
                {"speaker": "Maya", "text": "The vet moved Biscuit's check-up to Friday.", "timestamp": "2024-10-01T09:00:00Z"}
                {"speaker": "Assistant", "text": "Noted: Biscuit's check-up is on Friday now.", "timestamp": "2024-10-01T09:00:05Z"}
                """);
        CliRun ingest = ok("ingest", "--data-dir", data.toString(), "--tenant", "acme", "--user", "sam",
                "--no-progress", more.toString());
        assertTrue(ingest.out().startsWith("ingested 2 messages (2 new, 0 already present)"), ingest.out());
        CliRun again = ok("ingest", "--data-dir", data.toString(), "--tenant", "acme", "--user", "sam",
                "--no-progress", more.toString());
        assertTrue(again.out().startsWith("ingested 2 messages (0 new, 2 already present)"), again.out());
        CliRun sams = ok("list", "--data-dir", data.toString(), "--tenant", "acme", "--user", "sam");
        assertTrue(sams.out().contains("check-up to Friday") && sams.out().contains("(2 memories; no older ones)"),
                sams.out());

        Matcher first = Pattern.compile("(?m)^1\\s+(m[0-9a-f]+)\\s").matcher(sams.out());
        assertTrue(first.find(), sams.out());
        assertEquals("forgot " + first.group(1) + "\n", ok("forget", "--data-dir", data.toString(), "--tenant", "acme",
                "--user", "sam", first.group(1)).out());
        assertTrue(ok("list", "--data-dir", data.toString(), "--tenant", "acme", "--user", "sam").out()
                .contains("(1 memories; no older ones)"));
    }

    @Test
    @Order(3)
    void whatNeedsTheStoreToItselfSaysStopTheServer() {
        String before = CliRun.of(withStore("purge")).err();

        CliRun purge = CliRun.of(withStore("purge", "--yes"));
        assertEquals(3, purge.exit(), purge.transcript());
        assertTrue(purge.err().contains("stop the server first, or delete through the server without compacting: "
                + "loci forget --all-matching --tenant acme --user maya"), purge.err());

        CliRun compact = CliRun.of(withStore("forget", "--compact", allergyId));
        assertEquals(3, compact.exit(), compact.transcript());
        assertTrue(compact.err().contains("--compact rewrites the data directory, which the running loci serve holds: "
                + "stop the server first"), compact.err());
        ok(withStore("get", allergyId)); // refused before anything was deleted

        CliRun check = CliRun.of("check", "--data-dir", data.toString());
        assertEquals(3, check.exit(), check.transcript());
        assertTrue(check.err().contains("is held by loci serve (pid " + server.pid() + ", http://127.0.0.1:" + port
                + "), and loci check needs it to itself: stop the server first"), check.err());

        assertEquals(before, CliRun.of(withStore("purge")).err(), "nothing was deleted");
    }

    @Test
    @Order(4)
    void theLocalAccessTokenIsTheServersOwnOnlyAndKeysStillRule() throws Exception {
        Path file = data.resolve(ServerFile.FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        ServerFile named = ServerFile.read(data).orElseThrow();
        assertEquals(server.pid(), named.pid());
        assertEquals(URI.create("http://127.0.0.1:" + port), named.url());

        assertEquals(401, status("/v1/memories/count?userId=maya", null), "no key");
        assertEquals(401, status("/v1/memories/count?userId=maya",
                "loci-local.not-this-servers-secret." + "YWNtZQ"), "another secret");
        assertEquals(200, status("/v1/stats", named.access().token(null)), "store-wide token, store-wide route");
        assertEquals(403, status("/v1/memories/count?userId=maya", named.access().token(null)),
                "a tenantless token reaches no tenant's memories");
        assertEquals(200, status("/v1/memories/count?userId=maya", named.access().token("acme")));

        // the command works in any tenant of its directory, as without a server; the only API key is acme's
        CliRun other = ok("list", "--data-dir", data.toString(), "--tenant", "globex", "--user", "maya");
        assertEquals("(no memories)\n(0 memories; no older ones)\n", other.out());
    }

    @Test
    @Order(5)
    void aSecondServerOnTheDirectoryFailsClearlyAndLeavesTheFirstOnesFile() throws Exception {
        Path second = dir.resolve("second.log");
        Process p = java(second, "serve", "--data-dir", data.toString(), "--port", "0", "--no-auth", "--tenant", "acme");
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the second server exits");
        String out = Files.readString(second);
        assertEquals(3, p.exitValue(), out);
        assertTrue(out.contains("AUTHENTICATION IS OFF (--no-auth)"), "Loci's own warnings stay:\n" + out);
        assertTrue(out.contains("loci serve: error: cannot open " + data), out);
        assertFalse(GPU_WARNING.matcher(out).find(), out);
        assertEquals(server.pid(), ServerFile.read(data).orElseThrow().pid(), "the first server's file stays");
    }

    @Test
    @Order(6)
    void aServerKilledOutrightLeavesAStaleFileThatIsRecognised() throws Exception {
        server.destroyForcibly();
        assertTrue(server.waitFor(30, TimeUnit.SECONDS));
        assertTrue(Files.exists(data.resolve(ServerFile.FILE_NAME)), "SIGKILL leaves the file behind");

        try (LuceneMemoryStore holder = LuceneMemoryStore.open(data,
                dev.loci.store.lucene.LuceneStoreConfig.defaults())) { // another process's lock, as it were
            CliRun held = CliRun.of(withStore("get", allergyId));
            assertEquals(3, held.exit(), held.transcript());
            assertTrue(held.err().contains("names loci serve (pid " + server.pid() + ", http://127.0.0.1:" + port
                    + "), which is no longer running"), held.err());
        }
        CliRun free = ok(withStore("get", allergyId));
        assertFalse(free.err().contains("working through"), free.err());
        assertTrue(free.out().contains("to cashews"), free.out());
    }

    @Test
    @Order(7)
    void recallPrintsNoGpuWarning() throws Exception {
        Path recallLog = dir.resolve("recall.log");
        Process p = java(recallLog, "recall", "--data-dir", data.toString(), "--tenant", "acme", "--user", "maya",
                "what did Maya adopt?");
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String out = Files.readString(recallLog);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("loading the embedding model took"), "the model was loaded:\n" + out);
        assertFalse(GPU_WARNING.matcher(out).find(), out);
    }

    // ---- helpers ----

    private static CliRun ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exit(), run.transcript());
        return run;
    }

    private static String[] withStore(String command, String... rest) {
        var args = new ArrayList<>(List.of(command, "--data-dir", data.toString(), "--tenant", "acme", "--user", "maya"));
        args.addAll(List.of(rest));
        return args.toArray(String[]::new);
    }

    private static int status(String path, String token) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** {@code loci <args>} as its own process, started as the launcher starts it; stdout and stderr to {@code out}. */
    private static Process java(Path out, String... args) throws IOException {
        var cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        var pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().remove("LOCI_VERBOSE");
        return pb.start();
    }

    private static int awaitPort(Process child, Path out) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && child.isAlive()) {
            int p = ServeMain.listeningPort(Files.readString(out));
            if (p > 0) {
                return p;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("serve never said where it listens\n" + tail(out));
    }

    private static String tail(Path file) {
        try {
            String s = Files.readString(file);
            return s.substring(Math.max(0, s.length() - 4000));
        } catch (IOException e) {
            return "(no output)";
        }
    }
}
