package dev.loci.store.elasticsearch;

import dev.loci.spi.MemoryStore;
import dev.loci.testkit.ElasticsearchCluster;
import dev.loci.testkit.SharedStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared-store contract (create-only writes, conditional rewrites) against the real 3-node
 * cluster, with two store instances (two clients) over one index, as two Loci servers have. The
 * tests share one index (each uses tenants of its own): making an index on the cluster takes seconds.
 */
@ExtendWith(ElasticsearchCluster.class)
class ElasticsearchSharedStoreIT extends SharedStoreContract {
    private static final String INDEX = TestIndices.fresh("shared");

    @Override
    protected MemoryStore open() {
        return ElasticsearchMemoryStore.open(TestIndices.config(INDEX).build());
    }

    @Override
    protected MemoryStore another(MemoryStore opened) {
        return ElasticsearchMemoryStore.open(((ElasticsearchMemoryStore) opened).config());
    }

    @AfterAll
    static void dropIndex() {
        TestIndices.delete(INDEX);
    }
}
