package dev.loci.testkit;

import dev.loci.spi.MemoryStore;

/** Conditional rewrites and create-only writes of the shared in-memory store, one instance standing for both processes. */
class SharedInMemoryStoreContractTest extends SharedStoreContract {
    @Override
    protected MemoryStore open() {
        return new SharedInMemoryStore();
    }
}
