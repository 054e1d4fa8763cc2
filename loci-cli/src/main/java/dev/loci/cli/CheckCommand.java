package dev.loci.cli;

import dev.loci.store.lucene.StoreCheck;
import dev.loci.store.lucene.StoreReport;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code loci check}: verifies a data directory without changing it; exit 0 sound, 1 damaged. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Verify a data directory without changing it: log checksums and sequence, index segments, "
                + "every memory's record and vector, and the links between memories.",
                "Exit code 0 when it is sound, 1 when something is damaged (then see `loci repair`), 3 when another "
                        + "process has it open."})
final class CheckCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dataDir;

    @Override
    public Integer call() {
        StoreReport report = StoreCheck.check(dataDir.path);
        System.out.println("loci check: " + dataDir.path.toAbsolutePath());
        print(System.out, report);
        long errors = report.lines(StoreReport.Level.ERROR).size();
        long warnings = report.lines(StoreReport.Level.WARNING).size();
        if (report.ok()) {
            System.out.println("OK: no damage found" + (warnings > 0 ? " (" + warnings + " warning"
                    + (warnings == 1 ? "" : "s") + ")" : ""));
            return 0;
        }
        System.out.println("DAMAGED: " + errors + " problem" + (errors == 1 ? "" : "s") + " found; `loci repair"
                + " --data-dir " + dataDir.path + "` rebuilds the store from what is intact and says what it"
                + " could not keep");
        return 1;
    }

    static void print(PrintStream out, StoreReport report) {
        for (StoreReport.Line line : report.lines()) {
            out.println("  " + line);
        }
    }
}
