package dev.loci.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension: makes sure a 3-node Elasticsearch cluster answers on loopback before a test
 * class runs. If none answers at {@code -Dloci.es.basePort} (default 9200), it starts one with
 * {@code scripts/elasticsearch-cluster start --nodes 3} (which fetches Elasticsearch the first
 * time) and stops it once every test of the run is done; a cluster it found running is left
 * running. So a fresh clone's {@code ./loci test} runs these tests for real. Used by every module
 * whose tests need the cluster (the store's contract, several servers over one index).
 */
public final class ElasticsearchCluster implements BeforeAllCallback {
    public static final int NODES = 3;
    public static final int BASE_PORT = Integer.getInteger("loci.es.basePort", 9200);
    public static final Path ROOT = findRoot();
    static final Path SCRIPT = ROOT.resolve("scripts/elasticsearch-cluster");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(ElasticsearchCluster.class, k -> startIfNeeded(), Started.class);
    }

    /** Closed by JUnit after the whole run: stops the cluster if this run started it. */
    record Started(boolean here) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() throws Exception {
            if (here) {
                script("stop");
            }
        }
    }

    private static Started startIfNeeded() {
        if (answers()) {
            return new Started(false);
        }
        script("start", "--nodes", String.valueOf(NODES), "--heap", "384m");
        return new Started(true);
    }

    /** Every node's HTTP endpoint, comma-separated. */
    public static String hosts() {
        var out = new java.util.ArrayList<String>();
        for (int i = 0; i < NODES; i++) {
            out.add("127.0.0.1:" + (BASE_PORT + i));
        }
        return String.join(",", out);
    }

    public static String url() {
        return "http://127.0.0.1:" + BASE_PORT;
    }

    public static boolean answers() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/_cluster/health")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs the cluster script; fails with its output if it fails. */
    public static void script(String... args) {
        var cmd = new java.util.ArrayList<>(List.of(SCRIPT.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--base-port", String.valueOf(BASE_PORT)));
        try {
            Path log = Files.createTempFile("es-cluster", ".log");
            Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " timed out:\n" + Files.readString(log));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "):\n"
                        + Files.readString(log));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + cmd, e);
        }
    }

    /** The pid the script recorded for node {@code i}. */
    public static long pid(int node) throws IOException {
        return Long.parseLong(Files.readString(ROOT.resolve(".tools/elasticsearch/cluster-" + BASE_PORT + "/node-" + node
                + "/es.pid")).strip());
    }

    private static Path findRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("scripts/elasticsearch-cluster"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("scripts/elasticsearch-cluster not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
