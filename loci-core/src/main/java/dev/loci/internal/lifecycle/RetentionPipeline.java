package dev.loci.internal.lifecycle;

import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.ConsolidationConfig;
import dev.loci.ForgettingConfig;
import dev.loci.Memory;
import dev.loci.Retention;
import dev.loci.Scope;
import dev.loci.internal.util.IndexKeys;
import dev.loci.spi.AccessRecording;
import dev.loci.spi.Embedder;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.StoredMemory;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Forgetting that is not asked for, top to bottom:
 * <ol>
 *   <li><b>reinforcement</b> ({@link #reinforce}): what a recall returned counts as recalled, through
 *       the store's {@link AccessRecording} capability (no rewrite; skipped for a store without it);</li>
 *   <li><b>expiry</b> ({@link #evictExpired}): memories past their {@code expiresAt} are already
 *       hidden from every read of the engine; this deletes them, in batches, through
 *       {@link ForgetPipeline#forget(String, List)}, so the episodes that quoted them are rebuilt
 *       without them or removed;</li>
 *   <li><b>capacity</b> ({@link #enforceCapacity}): when a user holds more level-0 memories (turns,
 *       chunks) than {@link ForgettingConfig#maxMemoriesPerUser()}, the least retained unpinned ones
 *       ({@link Retention} now; ties: the earlier said, then the smaller id) are forgotten the same
 *       way. Only level 0 is counted and evicted: grouping levels are derived from it and follow it
 *       through the forget path's repairs. Pinned memories count but are never evicted, so a user
 *       with more pinned memories than the limit stays above it;</li>
 *   <li><b>pinning</b> ({@link #pin}): rewrites the memory with the flag (vector and keys recomputed
 *       as a forget's repairs do; the embedder is deterministic).</li>
 * </ol>
 * Thread-safe: evictions go through the forget pipeline's lock; capacity checks are serialised
 * with each other so two concurrent remembers do not both evict for the same excess.
 */
public final class RetentionPipeline {
    /** Expired memories fetched and deleted per round of a sweep. */
    static final int SWEEP_BATCH = 1000;
    /** Kinds counted and evicted for capacity: level 0. */
    static final Set<Kind> CAPPED_KINDS = levelZero();

    private final ForgettingConfig config;
    private final Retention retention;
    private final ConsolidationConfig consolidation;
    private final Embedder embedder;
    private final MemoryStore store;
    private final Clock clock;
    private final ForgetPipeline forget;
    private final ReentrantLock rewrites;
    private final ReentrantLock capacity = new ReentrantLock();

    /**
     * @param rewrites the lock forgets and updates hold while they rewrite existing memories
     */
    public RetentionPipeline(ForgettingConfig config, ConsolidationConfig consolidation, Embedder embedder,
                             MemoryStore store, Clock clock, ForgetPipeline forget, ReentrantLock rewrites) {
        this.config = config;
        this.retention = config.retention();
        this.consolidation = consolidation;
        this.embedder = embedder;
        this.store = store;
        this.clock = clock;
        this.forget = forget;
        this.rewrites = rewrites;
    }

    private static Set<Kind> levelZero() {
        Set<Kind> out = EnumSet.noneOf(Kind.class);
        for (Kind k : Kind.values()) {
            if (k.level() == 0) {
                out.add(k);
            }
        }
        return Set.copyOf(out);
    }

    /** Counts one recall, now, of each memory (when configured and the store can record it). */
    public void reinforce(String tenant, List<String> ids) {
        if (config.reinforceOnRecall() && !ids.isEmpty() && store instanceof AccessRecording recording) {
            recording.recordAccess(tenant, ids, clock.instant());
        }
    }

    /**
     * Deletes every memory expired by now, repairing what was derived from them; returns how many
     * memories left the store. Stops between batches when {@code stop} says so.
     */
    public long evictExpired(BooleanSupplier stop) {
        Instant now = clock.instant();
        long removed = 0;
        while (!stop.getAsBoolean()) {
            List<Memory> batch = store.expired(now, SWEEP_BATCH);
            if (batch.isEmpty()) {
                break;
            }
            Map<String, List<String>> byTenant = new LinkedHashMap<>();
            for (Memory m : batch) {
                byTenant.computeIfAbsent(m.scope().tenant(), t -> new ArrayList<>()).add(m.id());
            }
            long before = removed;
            for (var e : byTenant.entrySet()) {
                removed += forget.forget(e.getKey(), e.getValue()).totalRemoved();
            }
            if (batch.size() < SWEEP_BATCH || removed == before) {
                break; // a batch that deleted nothing would come back the same
            }
        }
        return removed;
    }

    /**
     * Brings the scope's user back to the configured capacity by forgetting the least retained
     * unpinned level-0 memories; returns how many were forgotten (0 when no limit is set or the
     * scope names no user).
     */
    public long enforceCapacity(Scope scope) {
        int max = config.maxMemoriesPerUser();
        if (max <= 0 || scope.userId() == null) {
            return 0;
        }
        capacity.lock();
        try {
            Instant now = clock.instant();
            var filter = new SearchFilter(Scope.user(scope.tenant(), scope.userId()), CAPPED_KINDS, null, Map.of())
                    .visibleAt(now);
            if (store.count(filter) <= max) {
                return 0;
            }
            List<Memory> all = store.list(filter, Integer.MAX_VALUE);
            int excess = all.size() - max;
            if (excess <= 0) {
                return 0;
            }
            List<String> victims = all.stream()
                    .filter(m -> !m.lifecycle().pinned())
                    .sorted(Comparator.comparingDouble((Memory m) -> retention.at(m, now))
                            .thenComparing(Memory::occurredAt).thenComparing(Memory::id))
                    .limit(excess).map(Memory::id).toList();
            return victims.isEmpty() ? 0 : forget.forget(scope.tenant(), victims).deleted();
        } finally {
            capacity.unlock();
        }
    }

    /**
     * Sets or clears the pinned flag of a level-0 memory; returns it as now stored, or empty when the
     * scope holds no memory with that id.
     */
    public Optional<Memory> pin(Scope scope, String id, boolean pinned) {
        rewrites.lock();
        try {
            Optional<Memory> found = store.get(scope.tenant(), id).filter(m -> scope.covers(m.scope()));
            if (found.isEmpty() || found.get().lifecycle().pinned() == pinned) {
                return found;
            }
            Memory current = found.get();
            if (current.level() != 0) {
                throw new InvalidInputException("id", current.id() + " is " + current.kind()
                        + "; only level-0 memories (turns, chunks) are evicted for capacity, so only they can be pinned");
            }
            forget.tailsChanged(List.of(current.scope())); // an open tail may hold it: its flag must survive
            Memory next = current.withLifecycle(current.lifecycle().withPinned(pinned));
            Embedding vector = embedder.embedDocuments(List.of(IndexKeys.embedText(next))).get(0);
            store.write(List.of(new StoredMemory(next, vector, keysOf(next))));
            return Optional.of(next);
        } finally {
            rewrites.unlock();
        }
    }

    /** The memory's index keys as its episode's consolidation gives them (with context), or its own. */
    private String keysOf(Memory turn) {
        Optional<Memory> episode = turn.parentId() == null ? Optional.empty()
                : store.get(turn.scope().tenant(), turn.parentId());
        if (episode.isPresent()) {
            List<Memory> siblings = new ArrayList<>();
            for (String child : episode.get().childIds()) {
                if (child.equals(turn.id())) {
                    siblings.add(turn);
                } else {
                    store.get(turn.scope().tenant(), child).ifPresent(siblings::add);
                }
            }
            int at = siblings.indexOf(turn);
            if (at >= 0) {
                return IndexKeys.keys(siblings, consolidation).get(at);
            }
        }
        return IndexKeys.keys(List.of(turn), consolidation).get(0);
    }
}
