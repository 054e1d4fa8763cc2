package dev.loci.embedded;

import dev.loci.Loci;
import dev.loci.Message;
import dev.loci.Scope;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of {@link ShutdownDuringIngestIT}: opens a data directory as an application would
 * (closing Loci on SIGTERM through {@link TerminationSignals}), then remembers batches until it is stopped, printing
 * {@code ACK <id>} for each memory once {@code remember} has returned.
 */
public final class IngestUntilStopped {
    static final Scope SCOPE = Scope.user("acme", "maya");

    private IngestUntilStopped() {
    }

    public static void main(String[] args) {
        // stdout carries the protocol (READY, ACK id): nothing else may print there
        PrintStream out = System.out;
        Loci loci = EmbeddedLoci.open(Path.of(args[0]), EmbeddedOptions.defaults().withPreloadModel(true));
        if (args.length > 1 && args[1].equals("hook")) { // the naive way: races ONNX Runtime's own hook
            Runtime.getRuntime().addShutdownHook(new Thread(loci::close, "ingest-shutdown"));
        } else {
            TerminationSignals.closeOnTermination(loci);
        }
        out.println("READY");
        out.flush();
        Instant t = Instant.parse("2024-03-02T18:00:00Z");
        for (int batch = 0; ; batch++) {
            List<Message> messages = new ArrayList<>();
            for (int k = 0; k < 8; k++) {
                messages.add(Message.of("Maya", "Batch " + batch + " note " + k + ": we walked the greyhound Biscuit "
                        + "along the river, then talked about the Lisbon half marathon in October.",
                        t.plusSeconds(batch * 60L + k)).withClientId(batch + "-" + k));
            }
            List<String> ids;
            try {
                ids = loci.remember(SCOPE, messages).ids();
            } catch (dev.loci.LociException closing) {
                out.println("REFUSED " + closing.getClass().getSimpleName() + ": " + closing.getMessage());
                out.flush();
                // closed on termination while this batch ran: never acknowledged. Wait for the
                // terminating thread's exit (returning from main would race it with status 0).
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            StringBuilder sb = new StringBuilder();
            for (String id : ids) {
                sb.append("ACK ").append(id).append('\n');
            }
            out.print(sb);
            out.flush();
        }
    }
}
