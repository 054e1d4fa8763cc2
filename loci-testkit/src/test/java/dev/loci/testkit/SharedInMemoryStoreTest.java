package dev.loci.testkit;

import dev.loci.spi.MemoryStore;
import java.nio.file.Path;

/** The shared in-memory store passes the store contract (minus durability); {@code SharedInMemoryStoreContractTest} the shared one. */
class SharedInMemoryStoreTest extends MemoryStoreContract {
    @Override
    protected MemoryStore open(Path dir) {
        return new SharedInMemoryStore();
    }

    @Override
    protected boolean durable() {
        return false;
    }
}
