package dev.loci.store.elasticsearch;

import dev.loci.spi.MemoryStore;
import dev.loci.testkit.ElasticsearchCluster;
import dev.loci.testkit.MemoryStoreContract;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store contract against a real 3-node cluster (3 shards, 1 replica). Each test gets its own
 * index; "reopen" is a new store instance, with a new client, over the same index.
 */
@ExtendWith(ElasticsearchCluster.class)
class ElasticsearchMemoryStoreIT extends MemoryStoreContract {
    private final Map<Path, String> indices = new HashMap<>();

    @Override
    protected MemoryStore open(Path dir) {
        String index = indices.computeIfAbsent(dir, d -> TestIndices.fresh("contract"));
        return ElasticsearchMemoryStore.open(TestIndices.config(index).build());
    }

    /** Recall counts do not wait for a refresh: gets see them at once, listings after the next refresh. */
    @Override
    protected boolean accessesListedAtOnce() {
        return false;
    }

    @AfterEach
    void dropIndex() {
        indices.values().forEach(TestIndices::delete);
    }
}
