package dev.loci.cli;

import dev.loci.spi.StoreStats;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code loci stats}: size of a data directory. */
@Command(name = "stats", mixinStandardHelpOptions = true, description = "Show how much a data directory holds.")
final class StatsCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dataDir;

    @Override
    public Integer call() {
        try (var loci = dataDir.open(DataDirOption.existing())) {
            StoreStats s = loci.stats();
            System.out.printf(Locale.ROOT, "data dir      %s%n", dataDir.path.toAbsolutePath());
            System.out.printf(Locale.ROOT, "memories      %d%n", s.memories());
            System.out.printf(Locale.ROOT, "disk bytes    %d (%.1f MiB, %s per memory)%n", s.diskBytes(),
                    s.diskBytes() / 1048576.0, s.memories() == 0 ? "-" : Long.toString(s.diskBytes() / s.memories()));
            System.out.printf(Locale.ROOT, "embedder      %s (%d dimensions)%n", loci.embedder().modelId(),
                    loci.embedder().dimensions());
            new TreeMap<>(s.details()).forEach((k, v) -> System.out.printf(Locale.ROOT, "%-13s %s%n", k, v));
        }
        return 0;
    }
}
