package dev.loci.embedded;

import dev.loci.Loci;
import dev.loci.Message;
import dev.loci.RecallQuery;
import dev.loci.Scope;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of {@link ShutdownDuringIngestIT}: opens a data directory as an application would
 * (closing Loci on SIGTERM and SIGINT through {@link TerminationSignals}), then until it is stopped
 * either remembers batches, printing {@code ACK <id>} for each memory once {@code remember} has
 * returned, or (argument {@code recall}) recalls and builds context blocks from what the directory
 * holds, printing {@code RECALLED <n>} after each.
 *
 * <p>Arguments: the data directory; {@code signals} (default) or {@code hook} (the naive shutdown
 * hook); {@code ingest} (default) or {@code recall}.
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
        if (args.length > 2 && args[2].equals("recall")) {
            recallUntilStopped(loci, out);
            return;
        }
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
                awaitExit(out, closing); // closed on termination while this batch ran: never acknowledged
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

    private static final List<String> QUESTIONS = List.of("What is the greyhound called?",
            "When is the Lisbon half marathon?", "Where did we walk last week?", "what happened two weeks ago");

    private static void recallUntilStopped(Loci loci, PrintStream out) {
        for (int i = 0; ; i++) {
            String question = QUESTIONS.get(i % QUESTIONS.size());
            int n;
            try {
                n = i % 2 == 0 ? loci.recall(SCOPE, RecallQuery.of(question)).results().size()
                        : loci.context(SCOPE, question, 300).items().size();
            } catch (dev.loci.LociException closing) {
                awaitExit(out, closing);
                return;
            }
            out.println("RECALLED " + n);
            out.flush();
        }
    }

    /**
     * After a call refused because termination closed Loci: waits for the terminating thread's
     * exit (returning from main would race it with status 0).
     */
    private static void awaitExit(PrintStream out, dev.loci.LociException closing) {
        out.println("REFUSED " + closing.getClass().getSimpleName() + ": " + closing.getMessage());
        out.flush();
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
