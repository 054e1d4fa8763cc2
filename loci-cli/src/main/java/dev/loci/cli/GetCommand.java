package dev.loci.cli;

import dev.loci.Loci;
import dev.loci.json.LociJson;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code loci get}: one memory by id, as JSON. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Print one memory by id, as JSON.")
final class GetCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
        try (Loci loci = store.openToRead()) {
            var memory = loci.get(store.scope(), id);
            if (memory.isEmpty()) {
                System.err.println("loci get: no memory " + id + " in " + store.describe());
                return 1;
            }
            Output.print(System.out, LociJson.memory(memory.get()));
            return 0;
        }
    }
}
