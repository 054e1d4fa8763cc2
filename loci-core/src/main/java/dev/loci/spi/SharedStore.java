package dev.loci.spi;

import java.util.Collection;
import java.util.List;
import java.util.Map;
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
 * <p>Records that several processes rewrite (a user's profile, level-2 nodes) are rewritten with
 * optimistic concurrency: {@link #readVersioned} gives each with its {@link RecordVersion}, and
 * {@link #writeIf} writes it back only if the stored record still has that version. Contract:
 * <ul>
 *   <li>{@link #readVersioned} is real-time, as {@link MemoryStore#get}: it sees every write,
 *       create and delete that has returned, and is scoped by tenant.</li>
 *   <li>Every write of a record ({@link MemoryStore#write}, {@link #create}, {@link #writeIf},
 *       recorded accesses of an {@link AccessRecording} store)
 *       and its deletion change its version; a version is never given to a record twice, so a
 *       record deleted and written again does not match a version read before.</li>
 *   <li>{@link #writeIf} writes each record whose stored version is the expected one (none, for
 *       {@link RecordVersion#NONE}) and no record whose version differs; of two writers expecting
 *       the same version at the same time, exactly one succeeds. The records that were not written
 *       are named by one {@link WriteConflictException}, thrown after the others are written (a
 *       batch is not atomic as a whole). A written record is durable and visible as after
 *       {@link MemoryStore#write}.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe.
 */
public interface SharedStore {
    /**
     * Creates the memories whose ids are free in their tenants and returns the ids that were taken
     * (by an earlier write, or a concurrent create that won): those are not written.
     */
    Set<String> create(List<StoredMemory> batch);

    /**
     * The memories with these ids that exist in this tenant, each with its current version, by id
     * (absent ids are left out).
     */
    Map<String, VersionedMemory> readVersioned(String tenant, Collection<String> ids);

    /**
     * Writes each record of the batch whose stored version is still the one it expects.
     *
     * @throws WriteConflictException naming the records not written because their stored version
     *                                differs (the others are written)
     */
    void writeIf(List<ConditionalWrite> batch);
}
