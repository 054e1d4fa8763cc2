package dev.loci.cli;

import dev.loci.Loci;
import dev.loci.Memory;
import dev.loci.json.LociJson;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code loci update}: a new version of a memory; the old one stays in its history. */
@Command(name = "update", mixinStandardHelpOptions = true,
        description = "Give a memory new text as a new version; the old version stays in `loci history`.")
final class UpdateCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", paramLabel = "TEXT", description = "The new text.")
    String text;

    @Override
    public Integer call() {
        try (Loci loci = store.openToEmbed()) {
            Optional<Memory> updated = loci.update(store.scope(), id, text);
            if (updated.isEmpty()) {
                System.err.println("loci update: no memory " + id + " in " + store.describe());
                return 1;
            }
            Output.print(System.out, LociJson.memory(updated.get()));
            return 0;
        }
    }
}
