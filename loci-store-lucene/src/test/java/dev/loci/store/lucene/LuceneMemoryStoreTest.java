package dev.loci.store.lucene;

import dev.loci.spi.MemoryStore;
import dev.loci.testkit.MemoryStoreContract;
import java.nio.file.Path;

/** The Lucene store with its default write-ahead log passes the store contract. */
class LuceneMemoryStoreTest extends MemoryStoreContract {
    @Override
    protected MemoryStore open(Path dir) {
        return LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults());
    }
}
