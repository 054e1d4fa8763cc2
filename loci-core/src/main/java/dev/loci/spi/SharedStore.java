package dev.loci.spi;

import java.util.List;
import java.util.Set;

/**
 * Optional store capability: the store is shared by several Loci processes (several servers over
 * one cluster), so what one process remembers in memory may be stale because another wrote. An
 * engine over such a store keeps no per-user state between calls that another process could
 * invalidate (users' current facts, level-2 nodes are read again from the store for each call), and
 * claims turns that carry a client id with {@link #create} before building anything on them, so a
 * message sent to two processes at once is stored, organised and counted once.
 *
 * <p>Contract: {@link #create} writes each memory of the batch whose id does not exist in its
 * tenant, and none whose id does; of two processes creating the same id at the same time exactly
 * one succeeds. A created memory is durable as after {@link MemoryStore#write} and visible at once
 * to {@link MemoryStore#get} and {@link MemoryStore#existing}; searches may see it only after a
 * later {@link MemoryStore#write} returns. Writing it again with {@link MemoryStore#write} replaces
 * it as usual. A batch is not atomic as a whole: on failure some memories may be created, and a
 * retry reports those as already there.
 *
 * <p>Implementations are thread-safe.
 */
public interface SharedStore {
    /**
     * Creates the memories whose ids are free in their tenants and returns the ids that were taken
     * (by an earlier write, or a concurrent create that won): those are not written.
     */
    Set<String> create(List<StoredMemory> batch);
}
