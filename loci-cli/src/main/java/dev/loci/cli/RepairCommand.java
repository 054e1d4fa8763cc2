package dev.loci.cli;

import dev.loci.store.lucene.LuceneStoreConfig;
import dev.loci.store.lucene.StoreRepair;
import dev.loci.store.lucene.StoreReport;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code loci repair}: rebuilds a damaged data directory from what is intact. */
@Command(name = "repair", mixinStandardHelpOptions = true,
        description = {"Rebuild a data directory from what is intact: the readable index segments, every intact log "
                + "record (also those after damage), links to missing memories removed. The old files are moved, "
                + "untouched, into damaged-<time>/ inside the directory.",
                "Prints what it did and what it could not keep (LOST lines); exit code 0 when the repaired store "
                        + "passes `loci check`."})
final class RepairCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dataDir;

    @Override
    public Integer call() {
        StoreReport report = StoreRepair.repair(dataDir.path, LuceneStoreConfig.defaults(), Clock.systemUTC());
        System.out.println("loci repair: " + dataDir.path.toAbsolutePath());
        CheckCommand.print(System.out, report);
        int lost = report.lines(StoreReport.Level.LOST).size();
        System.out.println((report.ok() ? "REPAIRED" : "STILL DAMAGED") + (lost == 0 ? ": nothing was lost"
                : ": " + lost + " LOST line" + (lost == 1 ? "" : "s") + " above name what could not be kept"));
        return report.ok() ? 0 : 1;
    }
}
