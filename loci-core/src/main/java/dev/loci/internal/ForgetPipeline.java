package dev.loci.internal;

import dev.loci.ForgetResult;
import dev.loci.LociConfig.ConsolidationConfig;
import dev.loci.Memory;
import dev.loci.MemoryFilter;
import dev.loci.Scope;
import dev.loci.spi.Embedder;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.StoredMemory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hard deletion, top to bottom: delete every memory the filter matches in one atomic store call,
 * then repair what was derived from them, so that no remaining record holds their text:
 * <ol>
 *   <li>an episode that lost some of its turns is rebuilt from the rest (same id, next version):
 *       its summary, keyphrases, entities, index keys and mean vector come from them alone. The
 *       store gives back records, not vectors, so the remaining turns are embedded again; the
 *       embedder is deterministic, so this reproduces their vectors;</li>
 *   <li>an episode that lost all of its turns is deleted;</li>
 *   <li>a remaining turn whose episode was deleted is rewritten without its parent link;</li>
 *   <li>a remaining turn whose index keys quoted a deleted turn (the preceding turn of the same
 *       episode, see {@link Consolidation}) is rewritten with keys built from its new neighbour.</li>
 * </ol>
 * The repairs are written as one atomic batch after the delete. A crash between the two leaves
 * the affected episodes quoting deleted turns until they are forgotten or purged themselves.
 *
 * <p>Thread-safe. Forgets are serialised with each other, so two of them never rebuild one
 * episode from different views; they do not block remember or recall. Ingest never adds turns to
 * an existing episode, so a concurrent remember cannot undo a repair.
 */
public final class ForgetPipeline {
    private final ConsolidationConfig consolidation;
    private final Embedder embedder;
    private final MemoryStore store;
    private final ReentrantLock lock = new ReentrantLock();

    public ForgetPipeline(ConsolidationConfig consolidation, Embedder embedder, MemoryStore store) {
        this.consolidation = consolidation;
        this.embedder = embedder;
        this.store = store;
    }

    /** How many memories {@link #forget(Scope, MemoryFilter)} would delete (before repairs). */
    public long count(Scope scope, MemoryFilter filter) {
        return store.count(toSearch(scope, filter));
    }

    /** Deletes every memory of the scope the filter matches, then repairs what was derived from them. */
    public ForgetResult forget(Scope scope, MemoryFilter filter) {
        SearchFilter search = toSearch(scope, filter);
        lock.lock();
        try {
            List<Memory> deleted = store.deleteMatching(search);
            if (deleted.isEmpty()) {
                return ForgetResult.NONE;
            }
            return repair(scope.tenant(), deleted);
        } finally {
            lock.unlock();
        }
    }

    /** Deletes one memory if it lies within the scope, then repairs as above; whether it existed. */
    public boolean forget(Scope scope, String id) {
        lock.lock();
        try {
            Optional<Memory> memory = store.get(scope.tenant(), id).filter(m -> scope.covers(m.scope()));
            if (memory.isEmpty() || !store.delete(scope.tenant(), id)) {
                return false;
            }
            repair(scope.tenant(), List.of(memory.get()));
            return true;
        } finally {
            lock.unlock();
        }
    }

    private static SearchFilter toSearch(Scope scope, MemoryFilter filter) {
        return new SearchFilter(scope, filter.kinds(), filter.timeRange(), filter.metadata());
    }

    private ForgetResult repair(String tenant, List<Memory> deleted) {
        Set<String> gone = new HashSet<>();
        deleted.forEach(m -> gone.add(m.id()));
        var repairs = new Repairs();

        // Episodes that lost turns: rebuilt from the rest, or removed when none are left.
        var damaged = new LinkedHashSet<String>();
        for (Memory m : deleted) {
            if (m.parentId() != null && !gone.contains(m.parentId())) {
                damaged.add(m.parentId());
            }
        }
        for (String episodeId : damaged) {
            Optional<Memory> episode = store.get(tenant, episodeId);
            if (episode.isEmpty()) {
                continue;
            }
            List<Memory> rest = remaining(tenant, episode.get().childIds(), gone);
            if (rest.isEmpty()) {
                store.delete(tenant, episodeId);
                gone.add(episodeId);
                repairs.episodesRemoved++;
            } else {
                rebuild(episode.get(), rest, gone, repairs);
            }
        }

        // Turns of deleted episodes: they lose the parent link.
        for (Memory m : deleted) {
            if (!m.childIds().isEmpty()) {
                unlink(m, remaining(tenant, m.childIds(), gone), repairs);
            }
        }

        if (!repairs.batch.isEmpty()) {
            store.write(repairs.batch);
        }
        return new ForgetResult(deleted.size(), repairs.episodesRebuilt, repairs.episodesRemoved,
                repairs.turnsRewritten);
    }

    /**
     * Queues the episode built again over {@code rest}, and the turns among {@code rest} whose
     * preceding turn in the episode was deleted (their keys quoted it) with keys rebuilt.
     */
    private void rebuild(Memory episode, List<Memory> rest, Set<String> gone, Repairs repairs) {
        List<Embedding> vectors = embed(rest);
        List<String> keys = Consolidation.keys(rest, consolidation);
        List<String> children = episode.childIds();
        for (int i = 0; i < rest.size(); i++) {
            Memory turn = rest.get(i);
            int position = children.indexOf(turn.id());
            if (position > 0 && gone.contains(children.get(position - 1))) {
                repairs.batch.add(new StoredMemory(turn, vectors.get(i), keys.get(i)));
                repairs.turnsRewritten++;
            }
        }
        repairs.batch.add(Consolidation.rebuiltEpisode(episode, rest, vectors, keys));
        repairs.episodesRebuilt++;
    }

    /** Queues the turns of a deleted episode without their parent link, keyed anew. */
    private void unlink(Memory episode, List<Memory> rest, Repairs repairs) {
        List<Memory> turns = rest.stream().filter(t -> episode.id().equals(t.parentId())).toList();
        if (turns.isEmpty()) {
            return;
        }
        List<Embedding> vectors = embed(turns);
        List<String> keys = Consolidation.keys(turns, consolidation);
        for (int i = 0; i < turns.size(); i++) {
            repairs.batch.add(new StoredMemory(Consolidation.withParent(turns.get(i), null), vectors.get(i), keys.get(i)));
            repairs.turnsRewritten++;
        }
    }

    /** The listed memories that still exist and are not being deleted, in list order. */
    private List<Memory> remaining(String tenant, List<String> ids, Set<String> gone) {
        var out = new ArrayList<Memory>(ids.size());
        for (String id : ids) {
            if (!gone.contains(id)) {
                store.get(tenant, id).ifPresent(out::add);
            }
        }
        return out;
    }

    private List<Embedding> embed(List<Memory> turns) {
        return embedder.embedDocuments(turns.stream().map(IndexKeys::embedText).toList());
    }

    /** What one forget writes back, and its counts. */
    private static final class Repairs {
        final List<StoredMemory> batch = new ArrayList<>();
        int episodesRebuilt;
        int episodesRemoved;
        int turnsRewritten;
    }
}
