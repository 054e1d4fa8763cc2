package dev.loci.cli;

import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.Loci;
import dev.loci.UserPage;
import dev.loci.UserSummary;
import dev.loci.json.LociJson;
import java.io.PrintStream;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loci users}: a tenant's users with their memory counts (in all and by kind) and last activity, a page at a time. Loads no model. */
@Command(name = "users", mixinStandardHelpOptions = true,
        description = "List a tenant's users (those with memories), by id, with how many memories each has, in all "
                + "and of each kind, and when the newest happened. Loads no embedding model.")
final class UsersCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--limit", defaultValue = "50", paramLabel = "N",
            description = "Users per page, 1..1000 (default 50).")
    int limit;

    @Option(names = "--cursor", paramLabel = "USER",
            description = "Continue after the previous page: the cursor its last line printed.")
    String cursor;

    @Option(names = "--json", description = "Print JSON ({\"users\": [...], \"nextCursor\": ...}) instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        var scope = store.scope();
        if (scope.userId() != null || scope.agentId() != null || scope.sessionId() != null) {
            throw new InvalidInputException("scope", "users lists a whole tenant: give --tenant only (not --user, "
                    + "--agent or --session)");
        }
        try (Loci loci = store.openToRead()) {
            UserPage page = loci.users(scope.tenant(), cursor, limit);
            if (json) {
                Output.print(System.out, LociJson.users(page));
            } else {
                table(System.out, page);
            }
        }
        return 0;
    }

    /**
     * One line per user: its id, its memories in all, a column per kind that some user of the page
     * has (in {@link Kind} order: turns, then what was built from them), and its last activity.
     */
    static void table(PrintStream out, UserPage page) {
        if (page.users().isEmpty()) {
            out.println("(no users)");
        } else {
            int width = Math.max(4, page.users().stream().mapToInt(u -> u.userId().length()).max().orElse(4));
            List<Kind> kinds = Arrays.stream(Kind.values())
                    .filter(k -> page.users().stream().anyMatch(u -> u.memories(k) > 0)).toList();
            var header = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s %9s", "user", "memories"));
            for (Kind k : kinds) {
                header.append(String.format(Locale.ROOT, " %9s", k.name()));
            }
            out.println(header.append("  last activity"));
            for (UserSummary u : page.users()) {
                var line = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s %9d", u.userId(), u.memories()));
                for (Kind k : kinds) {
                    line.append(String.format(Locale.ROOT, " %9d", u.memories(k)));
                }
                out.println(line.append("  ").append(u.lastActivity() == null ? "-"
                        : u.lastActivity().truncatedTo(ChronoUnit.SECONDS)));
            }
        }
        out.println("(" + page.users().size() + " users" + (page.hasMore() ? "; more follow: --cursor "
                + page.nextCursor() : "") + ")");
    }
}
