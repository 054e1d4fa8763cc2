package dev.loci.cli;

import dev.loci.Loci;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code loci forget}: deletes one memory by id. */
@Command(name = "forget", mixinStandardHelpOptions = true, description = "Delete one memory by id.")
final class ForgetCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
        try (Loci loci = store.open()) {
            if (!loci.forget(store.scope(), id)) {
                System.err.println("loci forget: no memory " + id + " in " + store.scope());
                return 1;
            }
            System.out.println("forgot " + id);
            return 0;
        }
    }
}
