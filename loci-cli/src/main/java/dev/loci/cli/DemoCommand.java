package dev.loci.cli;

import dev.loci.Loci;
import dev.loci.RecallQuery;
import dev.loci.RecallResult;
import dev.loci.RememberResult;
import dev.loci.Scope;
import dev.loci.TimeRange;
import dev.loci.embedded.EmbeddedOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loci demo}: remembers the bundled sample conversation (four sessions) with the embedded
 * defaults and shows a few recalls with their scores.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Ingest a sample multi-session conversation and show recalls with their scores.")
final class DemoCommand implements Callable<Integer> {
    private static final List<String> QUESTIONS = List.of(
            "What is the name of Maya's dog?",
            "Does Maya have any food allergies?",
            "Why is she thinking about moving to Berlin?",
            "How far could she run before the half marathon training started?");

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the demo's data here (default: a temporary directory, removed afterwards).")
    Path dataDir;

    @Override
    public Integer call() throws IOException {
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("loci-demo");
        try {
            run(dir);
        } finally {
            if (dataDir == null) {
                deleteTree(dir);
            }
        }
        return 0;
    }

    private void run(Path dir) throws IOException {
        Path sample = Files.createTempFile("loci-demo", ".json");
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/conversation.json")) {
            Files.copy(in, sample, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Scope user = Scope.user("demo", "maya");
        System.out.println("Loci demo: remembering a sample conversation (4 sessions) in " + dir);
        long opening = System.nanoTime();
        try (var loci = DataDirOption.open(dir, EmbeddedOptions.defaults().withPreloadModel(true))) {
            loci.embedder().embedQuery("warm-up"); // the model loads in the background: wait for it here
            System.out.printf(Locale.ROOT, "embedder: %s (local ONNX, %d dimensions, loaded in %.1f s); "
                            + "store: Lucene (BM25 + int8 HNSW)%n", loci.embedder().modelId(),
                    loci.embedder().dimensions(), (System.nanoTime() - opening) / 1e9);
            var batches = IngestCommand.InputFormat.read(IngestCommand.InputFormat.conversation, sample, user, true);
            long start = System.nanoTime();
            int added = 0;
            int total = 0;
            for (var b : batches) {
                RememberResult r = loci.remember(b.scope(), b.messages());
                added += r.added();
                total += b.messages().size();
            }
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "remembered %d turns (%d new) in %.2f s%n%n", total, added, s);

            for (String q : QUESTIONS) {
                show(loci, user, RecallQuery.of(q).withK(3), q);
            }
            var may = new TimeRange(Instant.parse("2024-05-01T00:00:00Z"), Instant.parse("2024-06-01T00:00:00Z"));
            show(loci, user, RecallQuery.of("work news").withK(3).withTimeRange(may),
                    "work news (only what happened in May 2024)");
        } finally {
            Files.deleteIfExists(sample);
        }
        System.out.println("Each result shows its fused score (BM25 over its best score plus dense similarity scaled");
        System.out.println("within the candidates, so 0..2) and the rank/score it got from BM25 and from dense");
        System.out.println("(embedding) search. Try: ./loci ingest / ./loci recall --help");
    }

    private static void show(Loci loci, Scope scope, RecallQuery query, String title) {
        RecallResult r = loci.recall(scope, query);
        System.out.printf(Locale.ROOT, "» %s   (%.1f ms)%n", title, r.tookNanos() / 1e6);
        Output.table(System.out, r.results(), 90);
        System.out.println();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("loci demo: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
