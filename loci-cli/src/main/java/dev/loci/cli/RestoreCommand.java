package dev.loci.cli;

import dev.loci.store.lucene.StoreBackup;
import dev.loci.store.lucene.StoreReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loci restore}: a backup into a new data directory. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Copy a backup made by `loci backup` into a new or empty data directory, after checking it.")
final class RestoreCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dataDir;

    @Option(names = "--from", required = true, paramLabel = "DIR", description = "The backup directory.")
    Path from;

    @Override
    public Integer call() {
        StoreReport report = StoreBackup.restore(from, dataDir.path);
        CheckCommand.print(System.out, report);
        System.out.println((report.ok() ? "OK" : "DAMAGED") + ": " + from + " restored into " + dataDir.path);
        return report.ok() ? 0 : 1;
    }
}
