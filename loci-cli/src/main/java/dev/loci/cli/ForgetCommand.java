package dev.loci.cli;

import dev.loci.ForgetResult;
import dev.loci.InvalidInputException;
import dev.loci.Loci;
import dev.loci.MemoryFilter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code loci forget}: deletes one memory by id, or with {@code --all-matching} every memory of the
 * scope the filter options select. Episodes built from deleted turns are rebuilt or removed.
 */
@Command(name = "forget", mixinStandardHelpOptions = true,
        description = {"Delete one memory by id, or with --all-matching every memory of the scope that --kind, "
                + "--from, --to and --meta select (all of the scope without them).",
            "Episodes summarising deleted turns are rebuilt from the turns left, or removed."})
final class ForgetCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Mixin
    FilterOptions filter;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The memory to delete.")
    String id;

    @Option(names = "--all-matching", description = "Delete every memory of the scope that the filters select.")
    boolean allMatching;

    @Option(names = "--compact", description = "Then rewrite the data directory so that no byte of what was "
            + "deleted remains on disk (takes a while on a big store).")
    boolean compact;

    @Override
    public Integer call() {
        if (allMatching && id != null) {
            throw new InvalidInputException("ID", "give an id or --all-matching, not both");
        }
        if (!allMatching && id == null) {
            throw new InvalidInputException("ID", "missing: give a memory id, or --all-matching to delete by filter");
        }
        if (!allMatching && filter.given()) {
            throw new InvalidInputException("--kind/--from/--to/--meta", "select memories only with --all-matching");
        }
        MemoryFilter selection = allMatching ? filter.filter() : null;
        try (Loci loci = store.open()) {
            if (compact && DataDirOption.throughServer(loci)) { // refused before anything is deleted
                throw DataDirOption.needsStoreToItself("--compact rewrites the data directory", "leave out "
                        + "--compact (the server deletes at once; the bytes go at the next compaction)");
            }
            if (!allMatching) {
                if (!loci.forget(store.scope(), id)) {
                    System.err.println("loci forget: no memory " + id + " in " + store.describe());
                    return 1;
                }
                System.out.println("forgot " + id);
            } else {
                ForgetResult result = loci.forget(store.scope(), selection);
                System.out.println(summary("forgot", result));
            }
            if (compact) {
                loci.compact();
                System.out.println("compacted " + store.dataDir);
            }
            return 0;
        }
    }

    /** One line with every count of a forget or purge. */
    static String summary(String verb, ForgetResult r) {
        return String.format(Locale.ROOT, "%s %d %s; episodes rebuilt %d, removed %d; turns rewritten %d", verb,
                r.deleted(), r.deleted() == 1 ? "memory" : "memories", r.episodesRebuilt(), r.episodesRemoved(),
                r.turnsRewritten());
    }
}
