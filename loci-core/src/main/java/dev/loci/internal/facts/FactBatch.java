package dev.loci.internal.facts;

import dev.loci.ConsolidationConfig;
import dev.loci.Memory;
import dev.loci.internal.util.IndexKeys;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.StoredMemory;
import dev.loci.spi.VersionedMemory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The memories one call of the fact pipeline will write (new and rewritten facts, linked turns,
 * profiles), with their vectors, and the supersession links between turns it found. One per call;
 * not thread-safe.
 */
final class FactBatch {
    final Map<String, Memory> memories = new LinkedHashMap<>();
    final Map<String, Embedding> vectors = new HashMap<>();
    /** Turn id → the turn whose statement closed one of its facts. */
    private final Map<String, String> supersededBy = new LinkedHashMap<>();
    /** Turn id → a turn one of whose facts it closed. */
    private final Map<String, String> supersedes = new LinkedHashMap<>();
    /**
     * Over a shared store: the stored facts this call read to rewrite, as read with their version
     * (null: gone), by id ({@link FactRewrites}).
     */
    final Map<String, VersionedMemory> read = new LinkedHashMap<>();
    /**
     * Over a shared store: what this call changed in each stored fact it rewrites, in order, by
     * id: done again on the fact as stored now if another process rewrote it meanwhile.
     */
    final Map<String, List<FactEdit>> edits = new LinkedHashMap<>();

    /** Records that a statement of turn {@code newer} closed one of turn {@code older}. */
    void link(String older, String newer) {
        if (older != null && newer != null && !older.equals(newer)) {
            supersededBy.put(older, newer);
            supersedes.put(newer, older);
        }
    }

    boolean linked(String id) {
        return supersededBy.containsKey(id) || supersedes.containsKey(id);
    }

    Set<String> linkedTurns() {
        var out = new LinkedHashSet<>(supersededBy.keySet());
        out.addAll(supersedes.keySet());
        return out;
    }

    Memory withLinks(Memory turn) {
        var lifecycle = turn.lifecycle();
        if (supersededBy.containsKey(turn.id())) {
            lifecycle = lifecycle.withSupersededBy(supersededBy.get(turn.id()));
        }
        if (supersedes.containsKey(turn.id())) {
            lifecycle = lifecycle.withSupersedes(supersedes.get(turn.id()));
        }
        return turn.withLifecycle(lifecycle);
    }

    void put(Memory m, Embedding vector) {
        memories.put(m.id(), m);
        if (vector != null) {
            vectors.put(m.id(), vector);
        }
    }

    /** Loads, once, the stored vectors of the rewritten memories that do not have one in the batch. */
    void fillVectors(MemoryStore store) {
        Map<String, List<String>> missing = new HashMap<>();
        for (Memory m : memories.values()) {
            if (vectors.get(m.id()) == null) {
                missing.computeIfAbsent(m.scope().tenant(), t -> new ArrayList<>()).add(m.id());
            }
        }
        missing.forEach((tenant, ids) -> store.vectors(tenant, ids).forEach(vectors::put));
        for (Memory m : memories.values()) {
            if (vectors.get(m.id()) == null) {
                throw new IllegalStateException("the store holds no vector for memory " + m.id());
            }
        }
    }

    /** The memories as records to write, each with its vector and index keys. */
    List<StoredMemory> stored(ConsolidationConfig consolidation) {
        var out = new ArrayList<StoredMemory>(memories.size());
        for (Memory m : memories.values()) {
            out.add(new StoredMemory(m, vectors.get(m.id()), IndexKeys.keys(List.of(m), consolidation).get(0)));
        }
        return out;
    }
}
