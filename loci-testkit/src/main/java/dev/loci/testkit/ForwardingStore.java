package dev.loci.testkit;

import dev.loci.Memory;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchHits;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.StoreStats;
import dev.loci.spi.StoredMemory;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A store that hands every call to another: tests subclass it and override only the calls they
 * watch or break, so a new {@link MemoryStore} method needs one forwarding line here, not one per
 * test double ({@code ForwardingStoreTest} checks that every method is here).
 *
 * <p>It forwards the {@link MemoryStore} port only: it is neither
 * {@link dev.loci.spi.AccessRecording} nor {@link dev.loci.spi.Compactable}, whatever the
 * delegate is, so the engine treats a wrapped store as one without those capabilities (recalls
 * are not counted, {@code compact} does nothing). On purpose: a class cannot implement an
 * interface only when its delegate does, so forwarding them would take a wrapper type per
 * combination, or claim a capability the delegate may lack. A test that needs them implements
 * them in its subclass, forwarding to the delegate it knows.
 */
public abstract class ForwardingStore implements MemoryStore {
    private final MemoryStore delegate;

    protected ForwardingStore(MemoryStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public void write(List<StoredMemory> batch) {
        delegate.write(batch);
    }

    @Override
    public Optional<Memory> get(String tenant, String id) {
        return delegate.get(tenant, id);
    }

    @Override
    public Set<String> existing(String tenant, Collection<String> ids) {
        return delegate.existing(tenant, ids);
    }

    @Override
    public Map<String, Memory> getAll(String tenant, Collection<String> ids) {
        return delegate.getAll(tenant, ids);
    }

    @Override
    public boolean delete(String tenant, String id) {
        return delegate.delete(tenant, id);
    }

    @Override
    public List<Memory> deleteMatching(SearchFilter filter) {
        return delegate.deleteMatching(filter);
    }

    @Override
    public long count(SearchFilter filter) {
        return delegate.count(filter);
    }

    @Override
    public List<Memory> list(SearchFilter filter, int limit) {
        return delegate.list(filter, limit);
    }

    @Override
    public Map<String, Embedding> vectors(String tenant, Collection<String> ids) {
        return delegate.vectors(tenant, ids);
    }

    @Override
    public List<Memory> expired(Instant at, int limit) {
        return delegate.expired(at, limit);
    }

    @Override
    public SearchHits search(SearchRequest request) {
        return delegate.search(request);
    }

    @Override
    public StoreStats stats() {
        return delegate.stats();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
