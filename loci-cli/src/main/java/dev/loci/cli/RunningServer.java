package dev.loci.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loci.DataDirLockedException;
import dev.loci.Loci;
import dev.loci.LociException;
import dev.loci.StorageException;
import dev.loci.client.LociClient;
import dev.loci.json.LociJson;
import dev.loci.server.ServerFile;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code loci serve} that holds a data directory, found through the {@link ServerFile} it left
 * there, and the commands' way of working through it: when a command finds the directory locked and
 * the file names a server of this machine that answers, the command runs against a
 * {@link LociClient} on that server (with the server's local access token) instead of failing, and
 * says so on stderr. The file is trusted only as far as it checks out: its process must be alive,
 * and its URL must answer {@code /ready}; otherwise the lock error names what was found.
 */
final class RunningServer {
    /** How long a command waits for a server that is still loading its model. */
    static final Duration READY_WAIT = Duration.ofSeconds(60);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private final Path dataDir;
    private final ServerFile file;

    private RunningServer(Path dataDir, ServerFile file) {
        this.dataDir = dataDir;
        this.file = file;
    }

    /**
     * The server that {@code dataDir}'s server file names, if there is one whose process is alive:
     * worth trying before opening the directory (which would start loading a model for nothing).
     * Empty when there is no such file, or it cannot be read.
     */
    static Optional<RunningServer> named(Path dataDir) {
        try {
            return ServerFile.read(dataDir).filter(RunningServer::alive).map(f -> new RunningServer(dataDir, f));
        } catch (StorageException e) {
            return Optional.empty();
        }
    }

    /**
     * Why the directory is locked, in the user's terms: {@code locked}'s message and what its server
     * file says (a server that is gone, does not answer, or is not ready), or {@code locked} itself
     * when no server is named (an ingest or a check holds it, or a server still opening it).
     */
    static StorageException explain(Path dataDir, DataDirLockedException locked) {
        Optional<ServerFile> found;
        try {
            found = ServerFile.read(dataDir);
        } catch (StorageException e) {
            return new StorageException(locked.getMessage() + "; " + e.getMessage(), false, locked);
        }
        if (found.isEmpty()) {
            return locked;
        }
        var server = new RunningServer(dataDir, found.get());
        if (!alive(found.get())) {
            return new StorageException(locked.getMessage() + "; " + dataDir.resolve(ServerFile.FILE_NAME)
                    + " names " + server.describe() + ", which is no longer running (it was stopped without "
                    + "cleaning up): another process holds the directory", false, locked);
        }
        try {
            server.awaitReady();
            return new StorageException(locked.getMessage() + "; " + server.describe() + " holds it and answers "
                    + "now: run the command again", true, locked);
        } catch (StorageException e) {
            return new StorageException(locked.getMessage() + "; " + e.getMessage(), e.isRetriable(), locked);
        }
    }

    private static boolean alive(ServerFile f) {
        return ProcessHandle.of(f.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * The server named in {@code dataDir}, if its process is alive; for telling the user that a
     * command which needs the directory to itself must wait for it to stop.
     */
    static Optional<String> describeLive(Path dataDir) {
        try {
            return ServerFile.read(dataDir).filter(RunningServer::alive).map(f -> new RunningServer(dataDir, f).describe());
        } catch (StorageException e) {
            return Optional.empty();
        }
    }

    /** {@code loci serve (pid 4242, http://127.0.0.1:8080)}. */
    String describe() {
        return "loci serve (pid " + file.pid() + ", " + file.url() + ")";
    }

    /** The line a command prints on stderr when it works through this server. */
    void announce(PrintStream err, String command) {
        err.println("loci " + command + ": " + dataDir + " is held by " + describe() + "; working through it");
        err.flush();
    }

    /** A client on the server working in {@code tenant}, as an admin of it (the server's local access). */
    Loci client(String tenant) {
        return LociClient.builder().baseUrl(file.url().toString()).apiKey(file.access().token(tenant)).tenant(tenant)
                .connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** {@code GET path} with the store-wide local token (for {@code /v1/stats}), as JSON. */
    JsonNode getStoreWide(String path) {
        try (HttpClient http = http()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(file.url().resolve(path))
                    .timeout(Duration.ofSeconds(60)).header("Accept", "application/json")
                    .header("Authorization", "Bearer " + file.access().token(null)).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                throw new LociException(describe() + " answered " + r.statusCode() + " to GET " + path + ": "
                        + Output.clip(r.body(), 300));
            }
            return LociJson.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new StorageException("cannot reach " + describe() + ": " + e.getMessage(), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LociException("interrupted while calling " + describe(), e);
        }
    }

    /**
     * Returns once the server answers {@code GET /ready} with 200, waiting up to {@link #READY_WAIT}
     * while it is still starting (503); a {@link StorageException} saying what was found otherwise.
     */
    void awaitReady() {
        if (!isLocal(file.url())) {
            throw new StorageException(describe() + " is not on this machine", false);
        }
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        boolean said = false;
        try (HttpClient http = http()) {
            while (true) {
                int status;
                try {
                    status = http.send(HttpRequest.newBuilder(file.url().resolve("/ready")).timeout(CONNECT_TIMEOUT)
                            .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (ConnectException e) {
                    throw new StorageException(describe() + " does not answer (connection refused)", true, e);
                } catch (IOException e) {
                    throw new StorageException(describe() + " does not answer: " + e, true, e);
                }
                if (status == 200) {
                    return;
                }
                if (status != 503 || System.nanoTime() > deadline) {
                    throw new StorageException(describe() + " is not ready (GET /ready answered " + status + ")",
                            true);
                }
                if (!said) {
                    System.err.println("loci: waiting for " + describe() + " to finish starting...");
                    said = true;
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LociException("interrupted while waiting for " + describe(), e);
        }
    }

    private static HttpClient http() {
        return HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    }

    private static boolean isLocal(URI url) {
        try {
            var a = java.net.InetAddress.getByName(url.getHost());
            return a.isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(a) != null;
        } catch (IOException e) {
            return false;
        }
    }
}
