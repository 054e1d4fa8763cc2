package dev.loci.store.lucene;

import dev.loci.spi.MemoryStore;
import dev.loci.testkit.MemoryStoreContract;
import java.nio.file.Path;

/** The Lucene store committing on every write (no log) passes the same contract. */
class CommitPerWriteStoreTest extends MemoryStoreContract {
    @Override
    protected MemoryStore open(Path dir) {
        return LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults()
                .withDurability(LuceneStoreConfig.Durability.COMMIT_PER_WRITE));
    }
}
