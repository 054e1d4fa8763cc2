package dev.loci.cli;

import dev.loci.InvalidInputException;
import dev.loci.Loci;
import dev.loci.embedded.EmbeddedOptions;
import dev.loci.engine.LociEngine;
import dev.loci.RecallQuery;
import dev.loci.RecallResult;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loci recall}: the best memories for a query, with why each ranked. */
@Command(name = "recall", mixinStandardHelpOptions = true,
        description = "Recall the memories that best match a query, with per-signal ranks and scores.")
final class RecallCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--k", defaultValue = "10", paramLabel = "N", description = "Number of results (default 10).")
    int k;

    @Mixin
    FilterOptions filter;

    @Option(names = "--at", paramLabel = "TIME",
            description = "When the question is asked (ISO-8601; default now): \"last weekend\" in the query means the one before this.")
    String at;

    @Option(names = "--as-of", paramLabel = "TIME",
            description = "Record time: answer with what Loci knew at this moment (ISO-8601): earlier versions and "
                    + "since-superseded statements; nothing recorded later, so not a conversation imported since.")
    String asOf;

    @Option(names = "--held-at", paramLabel = "TIME",
            description = "Valid time: answer with what held at this moment of the conversations (ISO-8601), "
                    + "by their own timestamps, whenever they were imported; --at defaults to it.")
    String heldAt;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Parameters(index = "0", paramLabel = "QUERY", description = "What to recall.")
    String query;

    @Override
    public Integer call() {
        Instant asked = ConversationFiles.time(at, java.nio.file.Path.of("--at"), "");
        RecallQuery q = RecallQuery.of(query).withK(k).withKinds(filter.kindSet()).withTimeRange(filter.timeRange())
                .withMetadata(filter.metadata).withAt(asked)
                .withAsOf(ConversationFiles.time(asOf, java.nio.file.Path.of("--as-of"), ""));
        if (heldAt != null) {
            if (asOf != null) {
                throw new InvalidInputException("--held-at", "give either --as-of (what Loci knew at a moment) or "
                        + "--held-at (what held at a moment of the conversation), not both");
            }
            q = q.withHeldAt(ConversationFiles.time(heldAt, java.nio.file.Path.of("--held-at"), ""));
        }
        try (Loci loci = store.open(DataDirOption.reading(EmbeddedOptions.defaults().withPreloadModel(true)))) {
            long loading = 0;
            LociEngine engine = loci instanceof LociEngine e ? e : null; // else a server, its model loaded
            if (!json && engine != null) {
                // Wait for the model (loading in the background since the open), so that the time
                // printed is the recall's own and the load is reported apart.
                long start = System.nanoTime();
                engine.embedder().embedQuery("warm-up");
                loading = System.nanoTime() - start;
            }
            RecallResult result = loci.recall(store.scope(), q);
            if (json) {
                Output.json(System.out, result.results());
            } else {
                Output.table(System.out, result.results(), 80, true);
                System.out.printf(Locale.ROOT, "(%d results in %.1f ms%s)%n", result.results().size(),
                        result.tookNanos() / 1e6, engine == null ? ""
                                : String.format(Locale.ROOT, "; loading the embedding model took %.1f s", loading / 1e9));
            }
        }
        return 0;
    }
}
