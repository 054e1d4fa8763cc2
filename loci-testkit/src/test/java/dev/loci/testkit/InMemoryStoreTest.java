package dev.loci.testkit;

import dev.loci.spi.MemoryStore;
import java.nio.file.Path;

/** The reference store passes the contract (minus durability). */
class InMemoryStoreTest extends MemoryStoreContract {
    @Override
    protected MemoryStore open(Path dir) {
        return new InMemoryStore();
    }

    @Override
    protected boolean durable() {
        return false;
    }
}
