package dev.loci.testkit;

import dev.loci.spi.ConditionalWrite;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SharedStore;
import dev.loci.spi.StoredMemory;
import dev.loci.spi.VersionedMemory;
import dev.loci.spi.WriteConflictException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ForwardingStore} over a shared store that forwards the shared calls too: tests that
 * stand between a server and the store it shares (to pause it at a chosen write, or to count what
 * was refused) override only those calls. Counts the conditional writes refused by a conflict.
 *
 * @param <S> the store handed to, shared by several engines
 */
public abstract class ForwardingSharedStore<S extends MemoryStore & SharedStore> extends ForwardingStore
        implements SharedStore {
    private final S shared;
    /** Conditional writes the shared store refused because another writer changed a record first. */
    public final AtomicInteger conflicts;

    protected ForwardingSharedStore(S shared) {
        this(shared, new AtomicInteger());
    }

    /** @param conflicts where refused conditional writes are counted (e.g. one counter for several clients) */
    protected ForwardingSharedStore(S shared, AtomicInteger conflicts) {
        super(shared);
        this.shared = shared;
        this.conflicts = conflicts;
    }

    @Override
    public Set<String> create(List<StoredMemory> batch) {
        return shared.create(batch);
    }

    @Override
    public Map<String, VersionedMemory> readVersioned(String tenant, Collection<String> ids) {
        return shared.readVersioned(tenant, ids);
    }

    @Override
    public void writeIf(List<ConditionalWrite> batch) {
        try {
            shared.writeIf(batch);
        } catch (WriteConflictException e) {
            conflicts.incrementAndGet();
            throw e;
        }
    }
}
