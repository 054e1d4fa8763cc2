package dev.loci.server.cli;

import dev.loci.embedded.EmbeddedLoci;
import dev.loci.embedded.EmbeddedOptions;
import dev.loci.server.ApiKeys;
import dev.loci.server.BatchingEmbedder;
import dev.loci.spi.Embedder;
import dev.loci.server.LocalAccess;
import dev.loci.server.LociServer;
import dev.loci.server.ServerFile;
import dev.loci.server.ServerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loci serve}: the REST API over a data directory (or, with {@code --store elasticsearch}, over
 * an Elasticsearch cluster that several servers share; the data directory then holds only this
 * server's API keys) until SIGTERM or Ctrl-C, which drain the requests in flight and close the store
 * cleanly (a shutdown hook).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the REST API (/v1, /v1/openapi.json, /health, /ready, /metrics) over a data directory.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:LOCI_DATA_DIR:-loci-data}",
            description = "Data directory (default: $LOCI_DATA_DIR or ./loci-data); created if missing.")
    Path dataDir;

    @Mixin
    StoreChoice store;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "H",
            description = "Interface to listen on (default 127.0.0.1).")
    String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "P", description = "Port (default 8080; 0: any free one).")
    int port;

    @Option(names = "--max-body-bytes", defaultValue = "1048576", paramLabel = "N",
            description = "Largest request body accepted (default 1 MiB).")
    long maxBodyBytes;

    @Option(names = "--max-pending", defaultValue = "64", paramLabel = "N",
            description = "Most requests waiting for the engine; more get 429 (default 64).")
    int maxPending;

    @Option(names = "--no-auth", description = "Accept requests without a key, all in --tenant, as admin. "
            + "Loopback hosts only; for local development.")
    boolean noAuth;

    @Option(names = "--tenant", paramLabel = "T", description = "The tenant of every request with --no-auth.")
    String tenant;

    @Option(names = "--no-batching", description = "Embed each request's messages on their own instead of "
            + "gathering concurrent requests into one batch (vectors then never depend on other requests).")
    boolean noBatching;

    @Option(names = "--batch-wait-ms", defaultValue = "2", paramLabel = "MS",
            description = "Under concurrent load, how long a batch waits for more requests (default 2 ms).")
    long batchWaitMs;

    @Option(names = "--batches-in-flight", defaultValue = "2", paramLabel = "N",
            description = "Batches with the model at once: the next gathers while one is embedded (default 2; "
                    + "1: one at a time).")
    int batchesInFlight;

    @Override
    public Integer call() {
        EmbeddedOptions engine = store.apply(EmbeddedOptions.defaults()); // bad store options fail before listening
        String where = store.elasticsearch() ? "Elasticsearch index " + engine.elasticsearch().index() + " at "
                + engine.elasticsearch().hosts() : dataDir.toString();
        ServerOptions options = ServerOptions.defaults().withHost(host).withPort(port).withMaxBodyBytes(maxBodyBytes)
                .withMaxPendingRequests(maxPending);
        if (noAuth) {
            if (tenant == null) {
                System.err.println("loci serve: --no-auth needs --tenant");
                return 2;
            }
            options = options.withNoAuth(tenant);
        } else {
            ApiKeys keys = ApiKeys.open(dataDir);
            if (keys.list().isEmpty()) {
                System.err.println("loci serve: warning: " + dataDir + " has no API keys yet; create one with "
                        + "'loci keys create --data-dir " + dataDir + " --tenant T'");
            }
            options = options.withApiKeys(keys);
        }
        // Commands run beside the server on this machine work through it (ServerFile); with
        // Elasticsearch they open the cluster themselves, nothing here being locked.
        LocalAccess local = store.elasticsearch() ? null : LocalAccess.create();
        if (local != null) {
            options = options.withLocalAccess(local);
        }
        BatchingEmbedder.Config batching = new BatchingEmbedder.Config(Duration.ofMillis(batchWaitMs),
                BatchingEmbedder.Config.defaults().maxTexts(), batchesInFlight);
        UnaryOperator<Embedder> embedder = noBatching ? UnaryOperator.identity()
                : model -> BatchingEmbedder.wrap(model, batching);
        LociServer server = LociServer.startOpening(
                () -> {
                    try {
                        return EmbeddedLoci.open(dataDir, engine, embedder);
                    } catch (RuntimeException e) {
                        throw store.explain(e);
                    }
                }, options);
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        ServerFile file = local == null ? null : new ServerFile(ProcessHandle.current().pid(),
                ServerFile.localUrl(host, server.port()), Instant.now(), local);
        server.opened().whenComplete((ok, failure) -> {
            if (failure == null && file != null) {
                // only now: the engine holds the directory's lock, so no other process's file is replaced
                try {
                    file.write(dataDir);
                } catch (RuntimeException e) {
                    System.err.println("loci serve: warning: " + e.getMessage() + "; loci commands on " + dataDir
                            + " will not find this server");
                }
            }
            if (failure != null && !exit.isDone()) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                System.err.println("loci serve: error: cannot open " + where + ": " + cause.getMessage());
                exit.complete(3);
            }
        });
        // SIGTERM and Ctrl-C drain and close, then the command returns 0: a clean stop is a success, not
        // the 143 a JVM reports when a signal ends it. The shutdown hook covers every other way out.
        Runnable close = () -> {
            try {
                server.close();
            } finally {
                if (file != null) { // after the lock is released: a command never sees it held and unexplained
                    file.deleteFrom(dataDir);
                }
            }
        };
        Runnable stop = () -> {
            close.run();
            exit.complete(0);
        };
        boolean handled = Signals.onTermination(stop);
        Runtime.getRuntime().addShutdownHook(new Thread(close, "loci-server-shutdown"));
        System.err.println("loci serve: listening on http://" + host + ":" + server.port()
                + " (ready once the model is loaded: GET /ready)" + (handled ? "" : "; SIGTERM exits with 143"));
        System.err.println("loci serve: the memory console: " + ServerFile.localUrl(host, server.port()) + "/console");
        int code = exit.join();
        close.run();
        return code;
    }
}
