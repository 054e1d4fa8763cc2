package dev.loci.cli;

import dev.loci.store.lucene.StoreBackup;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loci backup}: a consistent copy of a data directory, also while a server writes to it. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Copy a data directory to a new directory: the index's last commit plus the write-ahead log, "
                + "a consistent snapshot even while another process (loci serve) is writing. The copy is checked "
                + "(`loci check`) before the command returns.",
                "Restore it with `loci restore --from DIR --data-dir NEW`."})
final class BackupCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dataDir;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "New or empty directory for the copy.")
    Path out;

    @Override
    public Integer call() {
        StoreBackup.Result r = StoreBackup.backup(dataDir.path, out);
        CheckCommand.print(System.out, r.check());
        System.out.printf(Locale.ROOT, "%s: backup of %s in %s: %d files, %.1f MiB%s%n", r.check().ok() ? "OK" : "DAMAGED",
                dataDir.path, out, r.files(), r.bytes() / 1048576.0,
                r.attempts() > 1 ? " (" + r.attempts() + " attempts: the store committed during the first copies)" : "");
        return r.check().ok() ? 0 : 1;
    }
}
