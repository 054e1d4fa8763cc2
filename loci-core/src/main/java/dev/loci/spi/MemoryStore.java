package dev.loci.spi;

import dev.loci.Memory;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Durable storage and search of memories. Implementations are thread-safe.
 *
 * <p>Contract, checked by the testkit's {@code MemoryStoreContract}:
 * <ul>
 *   <li>{@link #write} is atomic and durable: once it returns, the whole batch survives a crash
 *       (including {@code kill -9}); if it throws, none of it is visible. Writing an id again
 *       replaces the memory.</li>
 *   <li>Every read is scoped by tenant inside the store: a memory of another tenant is never
 *       returned, whatever the id or query.</li>
 *   <li>A write is visible to reads that start after it returns.</li>
 * </ul>
 */
public interface MemoryStore extends AutoCloseable {
    /** Writes (inserts or replaces by id) a batch atomically and durably. */
    void write(List<StoredMemory> batch);

    /** The memory with this id in this tenant, if present. */
    Optional<Memory> get(String tenant, String id);

    /**
     * Which of these ids exist in this tenant, as of every write that has returned. Ingest asks
     * this for every client id it is given, so a store should answer it without the cost of making
     * recent writes searchable. The default looks each id up with {@link #get}.
     */
    default Set<String> existing(String tenant, Collection<String> ids) {
        Set<String> out = new HashSet<>();
        for (String id : ids) {
            if (get(tenant, id).isPresent()) {
                out.add(id);
            }
        }
        return out;
    }

    /** Removes the memory durably; returns whether it existed in this tenant. */
    boolean delete(String tenant, String id);

    /** BM25 and kNN candidates under the filter. */
    SearchHits search(SearchRequest request);

    /** Counts and sizes. */
    StoreStats stats();

    @Override
    void close();
}
