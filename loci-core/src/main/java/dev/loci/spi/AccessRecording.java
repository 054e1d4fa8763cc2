package dev.loci.spi;

import java.time.Instant;
import java.util.Collection;

/**
 * Optional store capability: counting recalls without rewriting memories. A store that has it
 * keeps each memory's access count and last access apart from its record, so a recall can
 * reinforce what it returned cheaply (no re-embedding, no whole-document rewrite); the engine
 * uses it when the store implements it and skips reinforcement otherwise.
 *
 * <p>Contract, checked by the testkit's {@code MemoryStoreContract}: after
 * {@code recordAccess(tenant, ids, at)} returns, every read ({@link MemoryStore#get},
 * {@link MemoryStore#list}) shows each listed memory of that tenant with
 * {@link dev.loci.Lifecycle#accessCount()} one higher and {@link dev.loci.Lifecycle#lastAccessedAt()}
 * the later of its old value and {@code at}; ids that do not exist in the tenant are ignored, other
 * tenants are never touched. Rewriting a memory with {@link MemoryStore#write} replaces its counts
 * with those of the written lifecycle. A store may make accesses durable later than writes (the
 * implementation says what a crash can lose); it must never lose acknowledged writes because of them.
 * A refresh-based store may show them to {@link MemoryStore#list} only after its next refresh
 * (within seconds); {@link MemoryStore#get} must show them at once.
 *
 * <p>Implementations are thread-safe; concurrent calls for the same id each count.
 */
public interface AccessRecording {
    /** Counts one recall at {@code at} of each listed memory of the tenant (an id listed twice counts twice). */
    void recordAccess(String tenant, Collection<String> ids, Instant at);
}
