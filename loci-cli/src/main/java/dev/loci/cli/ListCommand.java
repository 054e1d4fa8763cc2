package dev.loci.cli;

import dev.loci.ListQuery;
import dev.loci.Loci;
import dev.loci.Memory;
import dev.loci.MemoryPage;
import dev.loci.json.LociJson;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loci list}: a scope's memories, newest first, a page at a time. Loads no model. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List a scope's memories, newest first, a page at a time (turns, chunks and procedures "
                + "unless --kind says otherwise). Loads no embedding model.")
final class ListCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Mixin
    FilterOptions filter;

    @Option(names = "--limit", defaultValue = "50", paramLabel = "N",
            description = "Memories per page, 1..1000 (default 50).")
    int limit;

    @Option(names = "--cursor", paramLabel = "CURSOR",
            description = "Continue after the previous page: the cursor its last line printed.")
    String cursor;

    @Option(names = "--as-of", paramLabel = "TIME",
            description = "List what held at this moment (ISO-8601): earlier versions and since-superseded statements.")
    String asOf;

    @Option(names = "--json", description = "Print JSON ({\"memories\": [...], \"nextCursor\": ...}) instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        ListQuery query = new ListQuery(filter.kindSet(), filter.timeRange(), filter.metadata, limit, cursor,
                ConversationFiles.time(asOf, Path.of("--as-of"), ""));
        try (Loci loci = store.openToRead()) {
            MemoryPage page = loci.list(store.scope(), query);
            if (json) {
                Output.print(System.out, LociJson.page(page));
            } else {
                table(System.out, page);
            }
        }
        return 0;
    }

    /** One row per memory with its full id (for get, update, history, forget), then where the next page starts. */
    static void table(PrintStream out, MemoryPage page) {
        if (page.memories().isEmpty()) {
            out.println("(no memories)");
        } else {
            int idWidth = page.memories().stream().mapToInt(m -> m.id().length()).max().orElse(2);
            String row = "%-4s %-" + idWidth + "s %-9s %-20s %-12s %s%n";
            out.printf(Locale.ROOT, row, "#", "id", "kind", "occurred", "speaker", "text");
            int n = 0;
            for (Memory m : page.memories()) {
                out.printf(Locale.ROOT, row, ++n, m.id(), m.kind(), m.occurredAt().truncatedTo(ChronoUnit.SECONDS),
                        Output.clip(m.speaker() == null ? "-" : m.speaker(), 12), Output.clip(m.text(), 80));
            }
        }
        if (page.hasMore()) {
            out.println("(" + page.memories().size() + " memories; older ones follow: --cursor " + page.nextCursor()
                    + ")");
        } else {
            out.println("(" + page.memories().size() + " memories; no older ones)");
        }
    }
}
