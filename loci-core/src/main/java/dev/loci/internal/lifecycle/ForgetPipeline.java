package dev.loci.internal.lifecycle;

import dev.loci.ForgetResult;
import dev.loci.Kind;
import dev.loci.ConsolidationConfig;
import dev.loci.Memory;
import dev.loci.MemoryFilter;
import dev.loci.Scope;
import dev.loci.internal.facts.FactPipeline;
import dev.loci.internal.hierarchy.EpisodeBuilder;
import dev.loci.internal.hierarchy.EpisodeTails;
import dev.loci.internal.hierarchy.SessionTopicBuilder;
import dev.loci.internal.util.Backoff;
import dev.loci.internal.util.IndexKeys;
import dev.loci.internal.util.MemoryIds;
import dev.loci.internal.util.WriteConflicts;
import dev.loci.spi.ConditionalWrite;
import dev.loci.spi.Embedder;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.RecordVersion;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.SharedStore;
import dev.loci.spi.StoreHit;
import dev.loci.spi.StoredMemory;
import dev.loci.spi.VersionedMemory;
import dev.loci.spi.WriteConflictException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hard deletion, top to bottom: delete every memory the filter matches in one atomic store call,
 * then repair what was derived from them, so that no remaining record holds their text:
 * <ol>
 *   <li>an episode that lost some of its turns is rebuilt from the rest (same id, next version):
 *       its summary, keyphrases, entities, index keys and mean vector come from them alone. Stores
 *       give back records, not vectors, so the remaining turns are embedded again (the embedder is
 *       deterministic: this reproduces their vectors);</li>
 *   <li>an episode that lost all of its turns is deleted;</li>
 *   <li>the remaining turns of a deleted episode are rewritten without their parent link;</li>
 *   <li>the turn after a deleted one in the same remember call, whose index keys quote it (context
 *       keys, see {@link EpisodeBuilder}), is re-keyed, and its episode rebuilt. Inside an episode the
 *       next turn is known from the episode's children; after the last turn of an episode, or for
 *       turns without one, it is looked for: among the turns BM25 finds with the deleted text, those
 *       of the same call (same scope, same ingest instant) that come first after it. A wrong guess
 *       costs only that turn's own context key.</li>
 * </ol>
 * Then level 2: every SESSION and TOPIC node holding an episode that was deleted, removed or
 * rebuilt is rebuilt from the episodes that remain, or deleted when none do
 * ({@link SessionTopicBuilder#repair}). Last, facts ({@link FactPipeline#repairAfterForget}): the facts read from
 * a deleted turn are deleted (they quote it), what they had closed is opened again, and the
 * profiles of the users concerned are rebuilt or removed. A purge needs none of the episode
 * repairs (a turn's episode and neighbours share its scope, so they go too) but may need the last
 * two: a user's topics and profile gather all of the user's sessions, so purging one session
 * rebuilds them.
 *
 * <p>The repairs are written as one atomic batch after the delete. A crash between the two leaves
 * the affected episodes and neighbours quoting deleted turns until they are forgotten themselves.
 *
 * <p>Over a {@link SharedStore} (several processes), another process may forget or update turns of
 * the same episode at the same moment, and an episode rebuilt from a view that predates the other's
 * delete would bring the deleted text back (a re-keyed turn written back would even bring back the
 * turn). So there every episode and turn the repair rewrites is read with its store version before
 * the turns it is built from are read, and the repairs are written only if none of them changed
 * since ({@link SharedStore#writeIf}). A conflict means another process rewrote or deleted one of
 * them: after a random pause ({@link Backoff}) the episodes and turns are read again and the repair
 * redone, at most {@link #MAX_ATTEMPTS} times. The lock below still serialises this process's
 * forgets and updates.
 *
 * <p>Thread-safe. Forgets are serialised with each other, so two of them never rebuild one
 * episode from different views; they do not block remember or recall. Ingest never adds turns to
 * an existing episode, so a concurrent remember cannot undo a repair; the turns of an open
 * episode tail it does write again (when an episode closes over them), but under the same lock
 * and as stored then, and every forget marks the tails of its scopes stale
 * ({@link EpisodeTails#invalidate}), so a forgotten turn or text never comes back through a tail.
 */
public final class ForgetPipeline {
    /** BM25 candidates looked at when searching for the turn that followed a deleted one. */
    private static final int SUCCESSOR_CANDIDATES = 100;
    /** Characters of a deleted turn's text used to search for the turn that quotes it. */
    private static final int SUCCESSOR_QUERY_CHARS = 1000;
    /** Attempts of one repair over a shared store, the first included. */
    static final int MAX_ATTEMPTS = 8;
    /** Longest pause between two attempts. */
    static final long MAX_BACKOFF_MS = 200;

    private final ConsolidationConfig consolidation;
    private final Embedder embedder;
    private final MemoryStore store;
    private final ReentrantLock lock;
    /** Repairs level 2; null when level 2 is off. */
    private final SessionTopicBuilder levels;
    /** Deletes the facts of deleted turns and rebuilds profiles; null when facts are off. */
    private final FactPipeline facts;
    private final Clock clock;
    /** Open episode tails: a conversation whose turns changed is marked stale; null when episodes are off. */
    private final EpisodeTails tails;
    /** Other processes write the store: episode repairs are written only if what they read is unchanged. */
    private final boolean shared;
    /** Counts the repair writes other processes made fail, and the repairs redone. */
    private final WriteConflicts conflicts;

    public ForgetPipeline(ConsolidationConfig consolidation, Embedder embedder, MemoryStore store) {
        this(consolidation, embedder, store, new ReentrantLock(), null);
    }

    /**
     * @param lock   serialises forgets with other rewrites of existing memories (updates), so two
     *               of them never rebuild one episode from different views
     * @param levels repairs level 2 after each forget; null when level 2 is off
     */
    public ForgetPipeline(ConsolidationConfig consolidation, Embedder embedder, MemoryStore store, ReentrantLock lock,
                          SessionTopicBuilder levels) {
        this(consolidation, embedder, store, lock, levels, null, Clock.systemUTC(), null);
    }

    /**
     * @param facts deletes the facts of deleted turns and rebuilds profiles; null when facts are off
     * @param tails the open episode tails, told which conversations changed; null when episodes are off
     */
    public ForgetPipeline(ConsolidationConfig consolidation, Embedder embedder, MemoryStore store, ReentrantLock lock,
                          SessionTopicBuilder levels, FactPipeline facts, Clock clock, EpisodeTails tails) {
        this(consolidation, embedder, store, lock, levels, facts, clock, tails, new WriteConflicts());
    }

    /** @param conflicts counts the repair writes other processes made fail (over a shared store) */
    public ForgetPipeline(ConsolidationConfig consolidation, Embedder embedder, MemoryStore store, ReentrantLock lock,
                          SessionTopicBuilder levels, FactPipeline facts, Clock clock, EpisodeTails tails,
                          WriteConflicts conflicts) {
        this.conflicts = conflicts;
        this.tails = tails;
        this.levels = levels;
        this.facts = facts;
        this.clock = clock;
        this.consolidation = consolidation;
        this.embedder = embedder;
        this.store = store;
        this.shared = store instanceof SharedStore;
        this.lock = lock;
    }

    /** How many memories {@link #forget(Scope, MemoryFilter)} would delete (before repairs). */
    public long count(Scope scope, MemoryFilter filter) {
        return store.count(toSearch(scope, filter));
    }

    /** Deletes every memory of the scope the filter matches, then repairs what was derived from them. */
    public ForgetResult forget(Scope scope, MemoryFilter filter) {
        lock.lock();
        try {
            List<Memory> deleted = store.deleteMatching(toSearch(scope, filter));
            if (deleted.isEmpty()) {
                return ForgetResult.NONE;
            }
            tailsChanged(List.of(scope));
            if (filter.isAll()) {
                // Episodes, their turns and a turn's neighbours share its scope: all of them are gone.
                repairLevels(deleted.stream().filter(m -> m.level() > 0).toList());
                repairFacts(scope.tenant(), deleted);
                return new ForgetResult(deleted.size(), 0, 0, 0);
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
            // Earlier versions kept by updates go with it.
            for (int v = 1; v < memory.get().version(); v++) {
                store.delete(scope.tenant(), MemoryIds.version(id, v));
            }
            repair(scope.tenant(), List.of(memory.get()));
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes these memories of the tenant (and their earlier versions), then repairs what was
     * derived from them in one pass: an episode that loses several of them is rebuilt once. For
     * eviction (expiry, capacity), which chooses its victims by id. Ids already gone are skipped.
     */
    public ForgetResult forget(String tenant, List<String> ids) {
        lock.lock();
        try {
            List<Memory> deleted = new ArrayList<>();
            for (String id : ids) {
                Optional<Memory> memory = store.get(tenant, id);
                if (memory.isEmpty() || !store.delete(tenant, id)) {
                    continue;
                }
                for (int v = 1; v < memory.get().version(); v++) {
                    store.delete(tenant, MemoryIds.version(id, v));
                }
                deleted.add(memory.get());
            }
            return deleted.isEmpty() ? ForgetResult.NONE : repair(tenant, deleted);
        } finally {
            lock.unlock();
        }
    }

    private static SearchFilter toSearch(Scope scope, MemoryFilter filter) {
        return new SearchFilter(scope, filter.kinds(), filter.timeRange(), filter.metadata());
    }

    /**
     * Repairs what quotes {@code before}, a turn whose text was just replaced by an update: its
     * episode is rebuilt over the new text and the turns keyed with it (itself, the turn after it)
     * are re-keyed.
     */
    public void repairAfterUpdate(String tenant, Memory before) {
        lock.lock();
        try {
            tailsChanged(List.of(before.scope()));
            var repair = new Repair(tenant);
            var rekey = new LinkedHashSet<String>();
            rekey.add(before.id());
            repair(repair, List.of(before), rekey);
        } finally {
            lock.unlock();
        }
    }

    private ForgetResult repair(String tenant, List<Memory> deleted) {
        tailsChanged(deleted.stream().map(Memory::scope).distinct().toList());
        var repair = new Repair(tenant);
        deleted.forEach(m -> repair.gone.put(m.id(), m));
        return repair(repair, deleted, new LinkedHashSet<>());
    }

    /**
     * Rebuilds what quotes {@code touched} (deleted ones are in {@code repair.gone}); over a shared
     * store redone from a fresh read when another process changed what it rewrites meanwhile.
     */
    private ForgetResult repair(Repair repair, List<Memory> touched, Set<String> rekey) {
        int deleted = repair.gone.size();
        Set<String> damaged;
        for (int attempt = 1; ; attempt++) {
            try {
                damaged = rebuild(repair, touched, new LinkedHashSet<>(rekey));
                break;
            } catch (WriteConflictException e) {
                Set<Kind> refused = conflicts.refused(e, id -> repair.batch.containsKey(id)
                        ? repair.batch.get(id).memory().kind() : null);
                if (attempt == MAX_ATTEMPTS || !Backoff.pause(attempt, MAX_BACKOFF_MS)) {
                    throw e;
                }
                conflicts.retried(refused);
                repair.restart();
            }
        }

        // 4. Rebuild or remove the sessions and topics over the episodes deleted, removed or rebuilt
        //    (and forget the cached state of sessions and topics deleted themselves).
        List<Memory> episodes = new ArrayList<>();
        repair.gone.values().stream().filter(m -> m.level() > 0).forEach(episodes::add);
        for (String id : damaged) {
            repair.episode(id).ifPresent(episodes::add);
        }
        repairLevels(episodes);
        repairFacts(repair.tenant, repair.gone.values());
        return new ForgetResult(deleted, repair.episodesRebuilt, repair.episodesRemoved,
                repair.batch.size() - repair.episodesRebuilt);
    }

    /**
     * Steps 1 to 3: rebuilds the episodes and re-keys the turns that quote {@code touched}, and
     * writes them; returns the ids of the episodes rebuilt or removed.
     *
     * @throws WriteConflictException over a shared store, when another process changed one of
     *                                them since it was read
     */
    private Set<String> rebuild(Repair repair, List<Memory> touched, Set<String> rekey) {
        String tenant = repair.tenant;
        // 1. Find what quotes the touched turns: their episodes, and the turns that followed them.
        var damaged = new LinkedHashSet<String>();
        for (Memory turn : touched) {
            if (turn.kind() != Kind.TURN) {
                continue;
            }
            if (turn.parentId() != null && !repair.gone.containsKey(turn.parentId())) {
                damaged.add(turn.parentId());
            }
            for (Memory next : successors(repair, turn)) {
                rekey.add(next.id());
                if (next.parentId() != null && !repair.gone.containsKey(next.parentId())) {
                    damaged.add(next.parentId());
                }
            }
        }

        // 2. Rebuild or remove those episodes; unlink the turns of deleted ones; re-key the rest.
        for (String episodeId : damaged) {
            rebuildOrRemove(repair, episodeId, rekey);
        }
        for (Memory m : touched) {
            if (m.kind() == Kind.EPISODE && !m.childIds().isEmpty() && repair.gone.containsKey(m.id())) {
                unlink(repair, m);
            }
        }
        List<Memory> loose = new ArrayList<>();
        for (String id : rekey) {
            if (!repair.batch.containsKey(id)) {
                repair.remaining(List.of(id)).stream().filter(t -> t.parentId() == null).forEach(loose::add);
            }
        }
        if (!loose.isEmpty()) {
            List<Embedding> vectors = embed(loose);
            for (int i = 0; i < loose.size(); i++) {
                Memory turn = loose.get(i);
                repair.put(new StoredMemory(turn, vectors.get(i), IndexKeys.keys(List.of(turn), consolidation).get(0)));
            }
        }

        // 3. Write every repair as one batch (over a shared store, each record only if unchanged).
        if (!repair.batch.isEmpty()) {
            repair.write();
        }
        return damaged;
    }

    /**
     * The remaining turns whose index keys quote {@code turn}: the next turn of its remember call,
     * or the first turn said after it in the scope (a later call keyed with it as its predecessor).
     */
    private List<Memory> successors(Repair repair, Memory turn) {
        Optional<Memory> episode = turn.parentId() == null ? Optional.empty() : repair.episode(turn.parentId());
        if (episode.isPresent()) {
            List<String> children = episode.get().childIds();
            int at = children.indexOf(turn.id());
            if (at >= 0 && at + 1 < children.size()) {
                return repair.remaining(List.of(children.get(at + 1)));
            }
        }
        String text = IndexKeys.lexicalText(turn);
        String query = text.substring(0, Math.min(text.length(), SUCCESSOR_QUERY_CHARS));
        var turns = new SearchFilter(turn.scope(), Set.of(Kind.TURN), null, Map.of());
        List<String> candidates = store.search(new SearchRequest(turns, query, null, SUCCESSOR_CANDIDATES, 0))
                .lexical().stream().map(StoreHit::id).toList();
        List<Memory> sameCall = repair.remaining(candidates).stream()
                .filter(m -> m.scope().equals(turn.scope()) && m.validTo() == null && !m.id().equals(turn.id())
                        && !m.occurredAt().isBefore(turn.occurredAt()))
                .toList();
        // Turns of one call often share its instant (messages without a timestamp), so the turns
        // of that instant are taken, and those of the first later instant (the next call's first turn).
        Optional<Instant> later = sameCall.stream().map(Memory::occurredAt).filter(t -> t.isAfter(turn.occurredAt()))
                .min(Comparator.naturalOrder());
        return sameCall.stream().filter(m -> m.occurredAt().equals(turn.occurredAt())
                || later.map(t -> m.occurredAt().equals(t)).orElse(false)).toList();
    }

    /**
     * Rebuilds the episode over its remaining turns, re-keying those in {@code rekey} on the way,
     * or deletes it when none remain.
     */
    private void rebuildOrRemove(Repair repair, String episodeId, Set<String> rekey) {
        Optional<Memory> episode = repair.episode(episodeId);
        if (episode.isEmpty()) {
            return;
        }
        List<Memory> rest = repair.remaining(episode.get().childIds());
        if (rest.isEmpty()) {
            // Unconditional: turns once deleted stay deleted, so an episode found without any is
            // empty whatever another process wrote of it meanwhile.
            store.delete(repair.tenant, episodeId);
            repair.gone.put(episodeId, episode.get());
            repair.episodesRemoved++;
            return;
        }
        List<Embedding> vectors = embed(rest);
        List<String> keys = IndexKeys.keys(rest, consolidation);
        for (int i = 0; i < rest.size(); i++) {
            if (rekey.contains(rest.get(i).id())) {
                repair.put(new StoredMemory(rest.get(i), vectors.get(i), keys.get(i)));
            }
        }
        repair.put(EpisodeBuilder.rebuiltEpisode(episode.get(), rest, vectors, keys));
        repair.episodesRebuilt++;
    }

    /** Rewrites the remaining turns of a deleted episode without their parent link, keyed anew. */
    private void unlink(Repair repair, Memory episode) {
        List<Memory> turns = repair.remaining(episode.childIds()).stream()
                .filter(t -> episode.id().equals(t.parentId())).toList();
        if (turns.isEmpty()) {
            return;
        }
        List<Embedding> vectors = embed(turns);
        List<String> keys = IndexKeys.keys(turns, consolidation);
        for (int i = 0; i < turns.size(); i++) {
            repair.put(new StoredMemory(EpisodeBuilder.withParent(turns.get(i), null), vectors.get(i), keys.get(i)));
        }
    }

    /**
     * The open tails of these scopes' conversations may hold a deleted or rewritten turn, or be
     * keyed with one: they are read again before their next use. So may those of the user's other
     * conversations (the repairs of the user's facts rewrite the supersession links of their turns).
     */
    void tailsChanged(List<Scope> scopes) {
        if (tails != null) {
            scopes.stream().map(s -> s.userId() == null ? s : Scope.user(s.tenant(), s.userId())).distinct()
                    .forEach(tails::invalidate);
        }
    }

    /** Step 5: the facts read from deleted turns go, and the profiles over them are rebuilt. */
    private void repairFacts(String tenant, Collection<Memory> deleted) {
        if (facts != null) {
            facts.repairAfterForget(tenant, deleted, clock.instant());
        }
    }

    private void repairLevels(List<Memory> episodes) {
        if (levels != null && !episodes.isEmpty()) {
            levels.repair(episodes);
        }
    }

    private List<Embedding> embed(List<Memory> turns) {
        return embedder.embedDocuments(turns.stream().map(IndexKeys::embedText).toList());
    }

    /**
     * The state of one repair: what is gone, what will be written back, and the counts. Over a
     * shared store, also the store version of every record read, which its rewrite expects.
     */
    private final class Repair {
        final String tenant;
        final Map<String, Memory> gone = new HashMap<>();
        final Map<String, StoredMemory> batch = new LinkedHashMap<>();
        private final Map<String, Optional<Memory>> episodes = new HashMap<>();
        /** Over a shared store: the version each record was read at (the first read of this attempt). */
        private final Map<String, RecordVersion> versions = new HashMap<>();
        int episodesRebuilt;
        int episodesRemoved;

        Repair(String tenant) {
            this.tenant = tenant;
        }

        /** After a conflict: forgets what was read and built, keeps what is gone. */
        void restart() {
            batch.clear();
            episodes.clear();
            versions.clear();
            episodesRebuilt = 0;
        }

        /** An episode by id, deleted or not (loaded once). */
        Optional<Memory> episode(String id) {
            Memory deleted = gone.get(id);
            return deleted != null ? Optional.of(deleted) : episodes.computeIfAbsent(id, k -> read(k));
        }

        /** The listed memories that still exist and are not being deleted, in list order. */
        List<Memory> remaining(List<String> ids) {
            var out = new ArrayList<Memory>(ids.size());
            for (String id : ids) {
                if (!gone.containsKey(id)) {
                    read(id).ifPresent(out::add);
                }
            }
            return out;
        }

        /** The stored record; over a shared store read with its version, kept for its rewrite. */
        private Optional<Memory> read(String id) {
            if (!shared) {
                return store.get(tenant, id);
            }
            VersionedMemory v = ((SharedStore) store).readVersioned(tenant, List.of(id)).get(id);
            versions.putIfAbsent(id, v == null ? RecordVersion.NONE : v.version());
            return Optional.ofNullable(v).map(VersionedMemory::memory);
        }

        void put(StoredMemory m) {
            batch.put(m.memory().id(), m);
        }

        /** Writes the batch; over a shared store each record only if still at the version read. */
        void write() {
            if (!shared) {
                store.write(List.copyOf(batch.values()));
                return;
            }
            var conditional = new ArrayList<ConditionalWrite>(batch.size());
            for (StoredMemory m : batch.values()) {
                // every record rewritten was read first; one not found then must still not exist
                conditional.add(new ConditionalWrite(m, versions.getOrDefault(m.memory().id(), RecordVersion.NONE)));
            }
            ((SharedStore) store).writeIf(conditional);
        }
    }
}
