package dev.loci.cli;

import dev.loci.Loci;
import dev.loci.Memory;
import dev.loci.json.LociJson;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loci history}: every version of a memory, oldest first, with when each held. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Print every version of a memory, oldest first: what it superseded, its earlier versions, "
                + "the current one, each with the interval in which it held.")
final class HistoryCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
        try (Loci loci = store.openToRead()) {
            List<Memory> versions = loci.history(store.scope(), id);
            if (versions.isEmpty()) {
                System.err.println("loci history: no memory " + id + " in " + store.describe());
                return 1;
            }
            if (json) {
                Output.print(System.out, LociJson.memories(versions));
            } else {
                for (Memory m : versions) {
                    System.out.printf(Locale.ROOT, "v%-3d %-30s %s -> %s%n     %s%n", m.version(), m.id(),
                            m.validFrom(), m.validTo() == null ? "now" : m.validTo(), Output.clip(m.text(), 100));
                }
            }
            return 0;
        }
    }
}
