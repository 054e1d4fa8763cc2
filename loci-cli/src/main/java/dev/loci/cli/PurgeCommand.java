package dev.loci.cli;

import dev.loci.ForgetResult;
import dev.loci.Loci;
import dev.loci.MemoryFilter;
import dev.loci.Scope;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loci purge}: deletes every memory of a scope (a user: all of their sessions) and compacts
 * the data directory, so no byte of them is left on disk. Without {@code --yes} it only says how
 * many memories it would delete, and exits 2.
 */
@Command(name = "purge", mixinStandardHelpOptions = true,
        description = {"Delete every memory of a scope (with --user: all of that user's sessions), then compact "
                + "the data directory so no byte of them remains on disk.",
            "Without --yes nothing is deleted: it prints how many memories would be, and exits 2."})
final class PurgeCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--yes", description = "Really delete.")
    boolean yes;

    @Override
    public Integer call() {
        Scope scope = store.scope();
        try (Loci loci = store.open()) {
            if (!yes) {
                long n = loci.count(scope, MemoryFilter.all());
                System.err.println("loci purge: would delete " + memories(n) + " of " + store.describe()
                        + "; nothing deleted. Run again with --yes to delete them.");
                return Main.EXIT_BAD_INPUT;
            }
            if (DataDirOption.throughServer(loci)) { // purge promises compaction, which the server cannot do
                throw DataDirOption.needsStoreToItself("purge --yes compacts the data directory",
                        "delete through the server without compacting: loci forget --all-matching " + store.describe());
            }
            ForgetResult result = loci.purge(scope);
            loci.compact();
            System.out.println("purged " + memories(result.totalRemoved()) + " of " + store.describe() + "; data directory compacted");
            return 0;
        }
    }

    private static String memories(long n) {
        return n + (n == 1 ? " memory" : " memories");
    }
}
