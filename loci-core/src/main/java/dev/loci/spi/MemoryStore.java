package dev.loci.spi;

import dev.loci.Memory;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 *   <li>{@link #deleteMatching} is as atomic and durable as {@link #write}, and as scoped as a
 *       read: it never touches a memory outside its filter's scope.</li>
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

    /**
     * The memories of these ids present in this tenant, by id (absent ids are left out). Recall reads
     * the strongest candidates of a question this way; a store that can read several ids in one request
     * should. The default looks each id up with {@link #get}.
     */
    default Map<String, Memory> getAll(String tenant, Collection<String> ids) {
        Map<String, Memory> out = new java.util.LinkedHashMap<>();
        for (String id : ids) {
            get(tenant, id).ifPresent(m -> out.put(id, m));
        }
        return out;
    }

    /** Removes the memory durably; returns whether it existed in this tenant. */
    boolean delete(String tenant, String id);

    /**
     * Removes, atomically and durably, every memory the filter matches (its scope is required, as
     * for every read) and returns them, so the caller can repair what was derived from them. Once
     * this returns, {@link #get}, {@link #existing}, {@link #search} and {@link #count} no longer
     * see any of them. The result holds every deleted memory: its size is what was deleted. The
     * filter's {@code visibleAt} must be null (an {@link IllegalArgumentException} otherwise):
     * deletes select by what is stored, not by what a recall at some moment sees.
     */
    List<Memory> deleteMatching(SearchFilter filter);

    /** How many memories the filter matches, as of every write and delete that has returned. */
    long count(SearchFilter filter);

    /**
     * Memories the filter matches, oldest first (event time, then id), at most {@code limit}
     * (at least 1): a listing no query ranks, as of every write and delete that has returned. The
     * levels built above episodes reload their state with it (a session's episodes, a user's
     * topics).
     */
    List<Memory> list(SearchFilter filter, int limit);

    /**
     * The vectors stored with those of these ids that exist in this tenant, by id (absent ids are
     * left out), as of every write that has returned: what was written, so a node can be rebuilt
     * from its children without embedding them again.
     */
    Map<String, Embedding> vectors(String tenant, Collection<String> ids);

    /**
     * Up to {@code limit} memories, of any tenant, whose {@link dev.loci.Lifecycle#expiresAt()} is
     * at or before {@code at}, in no particular order. The one read that is not scoped to a tenant:
     * it serves the engine's expiry sweep, which deletes what it gets back.
     */
    List<Memory> expired(Instant at, int limit);

    /** BM25 and kNN candidates under the filter. */
    SearchHits search(SearchRequest request);

    /** Counts and sizes. */
    StoreStats stats();

    @Override
    void close();
}
