package dev.loci.internal.facts;

import static dev.loci.internal.facts.FactRecords.owner;

import dev.loci.ConsolidationConfig;
import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.internal.util.Backoff;
import dev.loci.internal.util.IndexKeys;
import dev.loci.internal.util.WriteConflicts;
import dev.loci.spi.ConditionalWrite;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SharedStore;
import dev.loci.spi.StoredMemory;
import dev.loci.spi.VersionedMemory;
import dev.loci.spi.WriteConflictException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Rewrites of stored facts: a repeated claim reinforces one, a contradiction closes one (or links
 * it), a forget drops a source from one or opens one again, an update closes one. In one process
 * a fact is rewritten whole from its latest copy. Over a {@link SharedStore} another process may
 * rewrite the same fact at the same moment (reinforce it with its own turn, close it with its own
 * statement, drop a forgotten source), and the last whole write would undo the other's change. So
 * there:
 * <ol>
 *   <li>each stored fact a call changes is read with its version ({@link SharedStore#readVersioned},
 *       real-time) before it is changed, and each change is kept as a {@link FactEdit};</li>
 *   <li>the changed facts are held back while the rest of the call is written ({@link #holdBack}),
 *       then written only if still at the version read ({@link #commit});</li>
 *   <li>a fact another process rewrote meanwhile is read again, the call's changes are made again
 *       on it as it is now (so the other's sources, closing or reopening are kept: a closing meets
 *       a fact already closed by an earlier-said statement and leaves it, a reinforcement meets a
 *       fact closed before the claim was made again, or deleted, and stands as a new fact), and it
 *       is written again if still unchanged, after a random wait ({@link Backoff}), at most
 *       {@link SharedProfiles#MAX_ATTEMPTS} attempts; conflicts and retries are counted under
 *       {@link Kind#FACT}.</li>
 * </ol>
 * The users whose facts met a conflict are returned by {@link #commit}, and their profile settles
 * their facts before it is written ({@link SharedProfiles}). Not thread-safe: called under the lock
 * that guards {@link KnownFacts}.
 */
final class FactRewrites {
    private static final System.Logger LOG = System.getLogger(FactRewrites.class.getName());

    private final MemoryStore store;
    /** The store, when other processes write it; null otherwise (every fast path kept). */
    private final SharedStore shared;
    private final ConsolidationConfig consolidation;
    private final WriteConflicts conflicts;
    /** Over a shared store: the rewritten facts of the current call, held back until {@link #commit}. */
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    /** A fact to write if still at {@code read} (null: it was gone), and the changes made to it. */
    private record Pending(StoredMemory record, VersionedMemory read, List<FactEdit> edits) {
    }

    FactRewrites(MemoryStore store, ConsolidationConfig consolidation, WriteConflicts conflicts) {
        this.store = store;
        this.shared = store instanceof SharedStore s ? s : null;
        this.consolidation = consolidation;
        this.conflicts = conflicts;
    }

    /**
     * Over a shared store, reads with their versions, in one round trip, the stored facts among
     * {@code ids} that the batch has neither read nor made; nothing otherwise.
     */
    void read(String tenant, Collection<String> ids, FactBatch batch) {
        if (shared == null) {
            return;
        }
        var missing = new ArrayList<String>();
        for (String id : ids) {
            if (!batch.read.containsKey(id) && !batch.memories.containsKey(id)) {
                missing.add(id);
            }
        }
        if (!missing.isEmpty()) {
            Map<String, VersionedMemory> found = shared.readVersioned(tenant, missing);
            missing.forEach(id -> batch.read.put(id, found.get(id)));
        }
    }

    /**
     * Over a shared store, replaces each fact of {@code facts} (by id, as listed) that the batch has
     * not made or changed with the copy read with its version, real-time, and drops the ones gone:
     * a listing may lag behind other processes' writes. Nothing otherwise.
     */
    void refresh(String tenant, Map<String, Memory> facts, FactBatch batch) {
        if (shared == null || facts.isEmpty()) {
            return;
        }
        read(tenant, facts.keySet(), batch);
        facts.entrySet().removeIf(e -> {
            if (batch.memories.containsKey(e.getKey())) {
                return false;
            }
            VersionedMemory read = batch.read.get(e.getKey());
            if (read != null) {
                e.setValue(read.memory());
            }
            return read == null;
        });
    }

    /**
     * The stored fact {@code id} as this call rewrites it: the batch's copy, else (over a shared
     * store) the one read with its version (null when gone), else {@code local}'s.
     */
    Memory latest(String tenant, String id, FactBatch batch, Supplier<Memory> local) {
        Memory mine = batch.memories.get(id);
        if (mine != null) {
            return mine;
        }
        if (shared == null) {
            return local.get();
        }
        read(tenant, List.of(id), batch);
        VersionedMemory read = batch.read.get(id);
        return read == null ? null : read.memory();
    }

    /**
     * Makes {@code edit} on the fact {@code id} as this call last left it ({@link #latest}) and
     * puts the result in the batch with {@code vector} (null: the stored one). Over a shared store
     * the edit is kept, to be made again after a conflict. Returns the changed fact, or null when
     * the edit changed nothing.
     */
    Memory rewrite(String tenant, String id, FactBatch batch, Supplier<Memory> local, Embedding vector,
                   FactEdit edit) {
        boolean madeByThisCall = batch.memories.containsKey(id) && !batch.read.containsKey(id);
        Memory base = latest(tenant, id, batch, local);
        Memory out = base == null && shared == null ? null : edit.apply(base, batch);
        if (shared != null && !madeByThisCall) {
            batch.edits.computeIfAbsent(id, x -> new ArrayList<>()).add(edit);
        }
        if (out == null || out == base) {
            return null;
        }
        batch.put(out, vector);
        return out;
    }

    /**
     * Over a shared store: {@code all} without the stored facts the batch rewrote, which are held
     * back (with the version read and their edits) until {@link #commit}. Returns {@code all}
     * otherwise.
     */
    List<StoredMemory> holdBack(List<StoredMemory> all, FactBatch batch) {
        pending.clear();
        if (shared == null || batch.edits.isEmpty()) {
            return all;
        }
        var out = new ArrayList<StoredMemory>(all.size());
        for (StoredMemory r : all) {
            String id = r.memory().id();
            List<FactEdit> edits = r.memory().kind() == Kind.FACT ? batch.edits.get(id) : null;
            if (edits != null && batch.read.containsKey(id)) {
                pending.put(id, new Pending(r, batch.read.get(id), List.copyOf(edits)));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Writes the held-back facts, each only if still at the version read; a fact another process
     * changed is read again, the edits made again on it, and written again (at most
     * {@link SharedProfiles#MAX_ATTEMPTS} attempts in all, then a warning: the user's next fact
     * change settles their facts). Returns the owners (user, or tenant) of the facts that met a
     * conflict, whose facts the caller settles before writing their profile.
     */
    Set<Scope> commit() {
        if (pending.isEmpty()) {
            return Set.of();
        }
        Set<Scope> raced = new LinkedHashSet<>();
        var left = new LinkedHashMap<>(pending);
        pending.clear();
        for (int attempt = 1; ; attempt++) {
            try {
                shared.writeIf(left.values().stream().map(p -> ConditionalWrite.over(p.record(), p.read())).toList());
                return raced;
            } catch (WriteConflictException e) {
                left.keySet().retainAll(e.ids());
                left.values().forEach(p -> {
                    conflicts.refused(Kind.FACT);
                    raced.add(owner(p.record().memory().scope()));
                });
                if (left.isEmpty()) {
                    return raced;
                }
                if (attempt == SharedProfiles.MAX_ATTEMPTS || !Backoff.pause(attempt, SharedProfiles.MAX_BACKOFF_MS)) {
                    LOG.log(System.Logger.Level.WARNING, "facts {0} changed {1} times while this server rewrote them;"
                            + " the other server''s version is kept and the user''s next fact change settles them",
                            left.keySet(), attempt);
                    return raced;
                }
                conflicts.retried(Kind.FACT);
                redo(left);
            }
        }
    }

    /**
     * Reads the refused facts again and makes this call's edits again on each: facts gone or left
     * as they are now drop out; what an edit stands for instead (a new fact) is written at once.
     */
    private void redo(Map<String, Pending> left) {
        Map<String, List<String>> byTenant = new LinkedHashMap<>();
        left.values().forEach(p -> byTenant.computeIfAbsent(p.record().memory().scope().tenant(),
                t -> new ArrayList<>()).add(p.record().memory().id()));
        var added = new FactBatch();
        for (var e : byTenant.entrySet()) {
            Map<String, VersionedMemory> now = shared.readVersioned(e.getKey(), e.getValue());
            for (String id : e.getValue()) {
                Pending p = left.get(id);
                VersionedMemory read = now.get(id);
                Memory base = read == null ? null : read.memory();
                Memory m = base;
                for (FactEdit edit : p.edits()) {
                    m = edit.apply(m, added);
                }
                if (m == null || m == base) {
                    left.remove(id);
                } else {
                    left.put(id, new Pending(stored(m, p.record().embedding()), read, p.edits()));
                }
            }
        }
        if (!added.memories.isEmpty()) {
            added.fillVectors(store);
            store.write(added.stored(consolidation));
        }
    }

    private StoredMemory stored(Memory m, Embedding vector) {
        return new StoredMemory(m, vector, IndexKeys.keys(List.of(m), consolidation).get(0));
    }
}
