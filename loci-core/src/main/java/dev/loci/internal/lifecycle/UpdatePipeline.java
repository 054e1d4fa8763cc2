package dev.loci.internal.lifecycle;

import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.ConsolidationConfig;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.StorageException;
import dev.loci.internal.facts.FactPipeline;
import dev.loci.internal.util.Backoff;
import dev.loci.internal.util.IndexKeys;
import dev.loci.internal.util.MemoryIds;
import dev.loci.internal.util.WriteConflicts;
import dev.loci.internal.util.TextChecks;
import dev.loci.spi.ConditionalWrite;
import dev.loci.spi.Embedder;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.RecordVersion;
import dev.loci.spi.SharedStore;
import dev.loci.spi.StoredMemory;
import dev.loci.spi.VersionedMemory;
import dev.loci.spi.WriteConflictException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Versioned updates and history, top to bottom:
 * <ol>
 *   <li>{@link #update}: the current version is kept under its own id ({@link MemoryIds#version})
 *       with {@code validTo} set to the update's moment, no parent link, and still in the index, so
 *       a recall as of an earlier moment finds it; the memory itself takes the new text, the next
 *       version number, and {@code recordedAt = validFrom = now}; both are written in one atomic
 *       batch. Then what quoted the old text is repaired as after a forget: the episode is
 *       rebuilt, the turn keyed with it re-keyed ({@link ForgetPipeline#repairAfterUpdate});</li>
 *   <li>{@link #history}: the earlier versions and the current one, oldest first, preceded by the
 *       history of the statement it superseded, if any ({@link dev.loci.Lifecycle#supersedes}).</li>
 * </ol>
 * Thread-safe: updates are serialised with forgets by the shared lock. Over a {@link SharedStore}
 * (several processes) the memory is read with its store version and the two records are written
 * only if it is unchanged and the kept version does not exist yet ({@link SharedStore#writeIf}):
 * of two processes updating one memory at the same moment, one writes; the other reads it again
 * after a random pause and applies its text over the winner's (the next version), at most
 * {@link ForgetPipeline#MAX_ATTEMPTS} attempts.
 */
public final class UpdatePipeline {
    /** Longest supersession chain {@link #history} follows (a guard against corrupt links). */
    static final int MAX_CHAIN = 1000;

    private final ConsolidationConfig consolidation;
    private final Embedder embedder;
    private final MemoryStore store;
    private final Clock clock;
    private final ForgetPipeline repairs;
    private final ReentrantLock lock;
    private final int maxTextChars;
    /** Reads the facts of the new text; null when facts are off. */
    private final FactPipeline facts;
    /** Counts the updates other processes made fail, and the attempts redone. */
    private final WriteConflicts conflicts;

    public UpdatePipeline(ConsolidationConfig consolidation, Embedder embedder, MemoryStore store, Clock clock,
                          ForgetPipeline repairs, ReentrantLock lock, int maxTextChars) {
        this(consolidation, embedder, store, clock, repairs, lock, maxTextChars, null);
    }

    /** @param facts closes the facts of a replaced text and reads the new one's; null when facts are off */
    public UpdatePipeline(ConsolidationConfig consolidation, Embedder embedder, MemoryStore store, Clock clock,
                          ForgetPipeline repairs, ReentrantLock lock, int maxTextChars, FactPipeline facts) {
        this(consolidation, embedder, store, clock, repairs, lock, maxTextChars, facts, new WriteConflicts());
    }

    /** @param conflicts counts the updates other processes made fail (over a shared store) */
    public UpdatePipeline(ConsolidationConfig consolidation, Embedder embedder, MemoryStore store, Clock clock,
                          ForgetPipeline repairs, ReentrantLock lock, int maxTextChars, FactPipeline facts,
                          WriteConflicts conflicts) {
        this.conflicts = conflicts;
        this.facts = facts;
        this.consolidation = consolidation;
        this.embedder = embedder;
        this.store = store;
        this.clock = clock;
        this.repairs = repairs;
        this.lock = lock;
        this.maxTextChars = maxTextChars;
    }

    /** The new current version, or empty when the scope holds no memory with that id. */
    public Optional<Memory> update(Scope scope, String id, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("text", "must not be empty");
        }
        if (text.length() > maxTextChars) {
            throw new InvalidInputException("text", "is " + text.length() + " characters; at most " + maxTextChars
                    + " allowed (config.ingest.maxTextChars)");
        }
        if (TextChecks.unpairedSurrogate(text) >= 0) {
            throw new InvalidInputException("text", "has an unpaired UTF-16 surrogate (a character cut in half?)");
        }
        lock.lock();
        try {
            for (int attempt = 1; ; attempt++) {
                Optional<Memory> updated = updateOnce(scope, id, text);
                if (updated != null) {
                    return updated;
                }
                conflicts.refused(Kind.TURN);
                if (attempt == ForgetPipeline.MAX_ATTEMPTS || !Backoff.pause(attempt, ForgetPipeline.MAX_BACKOFF_MS)) {
                    throw new StorageException("memory " + id + " changed " + attempt
                            + " times while this update was written; try again", true);
                }
                conflicts.retried(Kind.TURN);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * One attempt of {@link #update}, under the lock: the new version, empty when there is no such
     * memory, or null when, over a shared store, another process changed the memory since it was
     * read (then nothing of this attempt's was written but, maybe, its copy of the kept version).
     */
    private Optional<Memory> updateOnce(Scope scope, String id, String text) {
        SharedStore shared = store instanceof SharedStore s ? s : null;
        VersionedMemory read = shared == null ? null : shared.readVersioned(scope.tenant(), List.of(id)).get(id);
        Optional<Memory> found = (shared == null ? store.get(scope.tenant(), id)
                : Optional.ofNullable(read).map(VersionedMemory::memory)).filter(m -> scope.covers(m.scope()));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Memory current = found.get();
        requireUpdatable(current);
        if (current.text().equals(text)) {
            return found;
        }
        Instant now = clock.instant();
        Memory kept = current.toBuilder().id(MemoryIds.version(id, current.version())).validTo(now)
                .parentId(null).childIds(List.of()).build();
        Memory next = current.toBuilder().text(text).recordedAt(now).validFrom(now).validTo(null)
                .version(current.version() + 1).build();
        List<Embedding> vectors = embedder.embedDocuments(List.of(IndexKeys.embedText(kept), IndexKeys.embedText(next)));
        var keptRecord = new StoredMemory(kept, vectors.get(0), IndexKeys.keys(List.of(kept), consolidation).get(0));
        var nextRecord = new StoredMemory(next, vectors.get(1), IndexKeys.keys(List.of(next), consolidation).get(0));
        if (shared == null) {
            store.write(List.of(keptRecord, nextRecord));
        } else {
            try {
                shared.writeIf(List.of(new ConditionalWrite(keptRecord, RecordVersion.NONE),
                        ConditionalWrite.over(nextRecord, read)));
            } catch (WriteConflictException e) {
                if (e.ids().contains(id)) {
                    return null; // changed meanwhile (a kept copy written is of the same version, as read)
                }
                // only the kept version was there: another process kept this version first
            }
        }
        repairs.repairAfterUpdate(scope.tenant(), current);
        if (facts != null && next.kind() == Kind.TURN) {
            facts.repairAfterUpdate(current, next, vectors.get(1), now);
        }
        return Optional.of(next);
    }

    private static void requireUpdatable(Memory current) {
        if (current.kind() == Kind.EPISODE || current.kind() == Kind.SESSION || current.kind() == Kind.TOPIC
                || current.kind() == Kind.FACT || current.kind() == Kind.PROFILE) {
            throw new InvalidInputException("id", current.id() + " is " + current.kind()
                    + ", which Loci derives from other memories; update those instead");
        }
        if (current.validTo() != null) {
            String by = current.lifecycle().supersededBy();
            throw new InvalidInputException("id", current.id() + " is no longer current (valid until "
                    + current.validTo() + ")" + (by == null ? "" : "; the current statement is " + by));
        }
    }

    /**
     * Every version of the memory, oldest first, after the history of what it superseded; empty
     * when the scope holds no memory with that id.
     */
    public List<Memory> history(Scope scope, String id) {
        var chain = new ArrayDeque<Memory>();
        Set<String> seen = new HashSet<>();
        String next = id;
        while (next != null && seen.add(next) && chain.size() < MAX_CHAIN) {
            Optional<Memory> m = store.get(scope.tenant(), next).filter(x -> scope.covers(x.scope()));
            if (m.isEmpty()) {
                break;
            }
            chain.addFirst(m.get());
            next = m.get().lifecycle().supersedes();
        }
        List<Memory> out = new ArrayList<>();
        for (Memory m : chain) {
            for (int v = 1; v < m.version(); v++) {
                store.get(scope.tenant(), MemoryIds.version(m.id(), v)).ifPresent(out::add);
            }
            out.add(m);
        }
        return out;
    }
}
