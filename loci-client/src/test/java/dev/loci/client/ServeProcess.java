package dev.loci.client;

import dev.loci.server.cli.ServeMain;
import dev.loci.store.elasticsearch.ElasticsearchStoreConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code loci serve --store elasticsearch} in a child JVM (the real embedding model, no API keys on
 * loopback, tenant acme), for tests of several servers over one cluster. {@link #main} is what
 * the child runs.
 */
final class ServeProcess implements TwoServersOneClusterIT.Server {

    private final Process process;
    private final Path log;
    private final int port;

    private ServeProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the child on a free port over the config's hosts and index, and waits until it is ready. */
    static ServeProcess start(ElasticsearchStoreConfig config, Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String hosts = String.join(",", config.hosts().stream().map(URI::toString).toList());
        Path log = dir.resolve("serve.log");
        var cmd = List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-cp",
                System.getProperty("java.class.path"), ServeMain.class.getName(),
                "--data-dir", dir.resolve("data").toString(), "--port", "0", "--no-auth", "--tenant", "acme",
                "--store", "elasticsearch", "--es-hosts", hosts, "--es-index", config.index());
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            var child = new ServeProcess(p, log, awaitPort(p, log));
            child.awaitReady();
            return child;
        } catch (Exception | AssertionError e) {
            p.destroyForcibly();
            throw e;
        }
    }

    @Override
    public LociClient client() {
        return LociClient.builder().baseUrl("http://127.0.0.1:" + port).build();
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
        throw new AssertionError("the server never said where it listens\n" + tail(log));
    }

    private void awaitReady() throws Exception {
        if (!ServeMain.awaitReady(HttpClient.newHttpClient(), port, process, Duration.ofSeconds(120))) {
            throw new AssertionError("the server never became ready\n" + tail(log));
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

    /** SIGTERM (the server drains and closes), SIGKILL if it has not exited within 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
