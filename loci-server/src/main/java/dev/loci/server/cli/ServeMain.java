package dev.loci.server.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine;

/**
 * {@code loci serve} as a process of its own, without the rest of the command line: what the crash
 * benchmark starts and kills. The command's exit code is the process's.
 */
public final class ServeMain {
    private ServeMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServeCommand()).execute(args));
    }

    /** What serve prints once it listens on loopback; group 1 is the port. */
    private static final java.util.regex.Pattern LISTENING =
            java.util.regex.Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    /** The port a serve process on loopback said it listens on, in its output so far; -1 before it says so. */
    public static int listeningPort(String output) {
        var m = LISTENING.matcher(output);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /**
     * Waits until the server process on {@code port} answers {@code GET /ready} with 200: true once it
     * does, false if the process exits first or {@code limit} passes.
     */
    public static boolean awaitReady(HttpClient http, int port, Process process, Duration limit)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        return false;
    }
}
