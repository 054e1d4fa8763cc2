package dev.loci.internal.facts;

import dev.loci.ConsolidationConfig;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.internal.util.WriteConflicts;
import dev.loci.spi.Embedding;
import dev.loci.spi.Extractor;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SharedStore;
import dev.loci.spi.Statement;
import dev.loci.spi.StoredMemory;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Facts, supersession, duplicates and the profile: the one entry point of this package, in the
 * order the engine calls it:
 * <ol>
 *   <li><b>read</b> ({@link #read}, {@link FactReader}): the {@link Extractor} reads the statements
 *       each user turn makes, outside any lock;</li>
 *   <li><b>consolidate</b> ({@link #consolidate}, {@link FactConsolidator}), inside the remember
 *       call, so facts are written in the same atomic batch as their turns: a repeated claim
 *       reinforces the current fact, a new one is stored as a FACT, and the current facts the
 *       {@link Supersession} rule says it contradicts are closed and linked both ways;</li>
 *   <li><b>profile</b> ({@link ProfileBuilder}, {@link ProfileText}): when a user's facts changed,
 *       the user's PROFILE is written again from their current facts, its vector the normalised
 *       mean of theirs (no embedding);</li>
 *   <li><b>remember current facts</b> ({@link #rememberCurrentFacts}, {@link KnownFacts}): once
 *       the caller has written what {@link #consolidate} returned, each user's current facts kept
 *       in memory follow it, so the next remember call needs no store read;</li>
 *   <li><b>repair</b> ({@link #repairAfterForget}, {@link #repairAfterUpdate},
 *       {@link FactRepairs}): after a forget the facts of deleted turns go and what they had closed
 *       is opened again; after an update the facts of the old text are closed and the new text is
 *       read.</li>
 * </ol>
 * Rewritten facts keep their vector ({@link MemoryStore#vectors}). Callers serialise every call
 * but {@link #read} with one lock (the engine's rewrite lock), so two calls never rebuild one
 * profile from different views; {@link #read} is thread-safe when the extractor is. Over a
 * {@link SharedStore} the current facts are not kept between calls (another process may have
 * changed them), and a profile is written last, only if unchanged since its facts were read, the
 * facts settled and the profile rebuilt after a conflict ({@link SharedProfiles}); a stored fact
 * is rewritten (reinforced, closed, repaired) only if unchanged since it was read, its changes
 * made again on the other process's version after a conflict ({@link FactRewrites}): the lock
 * serialises only this process's calls, the conditional write those of every process.
 */
public final class FactPipeline {
    private final FactReader reader;
    private final FactConsolidator consolidator;
    private final FactRepairs repairs;
    private final KnownFacts known;
    /** Other processes write the store: users' facts are read again for every call, never kept. */
    private final boolean shared;
    /** Over a shared store, the profiles, written last and only if unchanged; null otherwise. */
    private final SharedProfiles sharedProfiles;

    public FactPipeline(Extractor extractor, Supersession rule, MemoryStore store, ConsolidationConfig consolidation) {
        this(extractor, rule, store, consolidation, new WriteConflicts());
    }

    /** @param conflicts counts the profile writes other processes made fail (over a shared store) */
    public FactPipeline(Extractor extractor, Supersession rule, MemoryStore store, ConsolidationConfig consolidation,
                        WriteConflicts conflicts) {
        this.reader = new FactReader(extractor);
        this.known = new KnownFacts(store);
        this.shared = store instanceof SharedStore;
        var profiles = new ProfileBuilder(store, known);
        var rewrites = new FactRewrites(store, consolidation, conflicts);
        this.consolidator = new FactConsolidator(rule, store, consolidation, known, profiles, rewrites);
        this.sharedProfiles = shared ? new SharedProfiles(store, rule, consolidation, known, profiles, consolidator,
                rewrites, conflicts)
                : null;
        this.repairs = new FactRepairs(store, consolidation, reader, consolidator, profiles, known, rewrites,
                sharedProfiles);
    }

    /** The statements of each turn, in order (none for assistant and system turns). Thread-safe. */
    public List<List<Statement>> read(List<Memory> turns) {
        return reader.read(turns);
    }

    /** Whether {@link #read} found anything to consolidate. */
    public static boolean any(List<List<Statement>> statements) {
        return FactReader.any(statements);
    }

    /**
     * Everything to write for {@code turns} (not yet stored, with {@code vectors}), from their
     * {@code statements} as {@link #read} gave them: the {@code organised} records of the call
     * (turns and episodes, some with a supersession link), then the new and rewritten facts, the
     * turns already stored that get a link, and the profiles. Once the caller has written them, it
     * hands them to {@link #rememberCurrentFacts}. Over a {@link SharedStore} the stored facts this
     * call rewrites and the profiles are not among them: {@link #rememberCurrentFacts} writes them,
     * after the rest and each only if unchanged ({@link FactRewrites}, {@link SharedProfiles}).
     */
    public List<StoredMemory> consolidate(List<StoredMemory> organised, List<Memory> turns, List<Embedding> vectors,
                                          List<List<Statement>> statements, Instant now) {
        forgetIfShared();
        var batch = new FactBatch();
        List<StoredMemory> all = consolidator.consolidate(batch, organised, turns, vectors, statements, now);
        return shared ? sharedProfiles.holdBack(all, batch, now) : all;
    }

    /**
     * Keeps in memory the users' current facts as {@code written} (what {@link #consolidate}
     * returned, now stored) left them. Over a {@link SharedStore}, then writes the rewritten facts
     * held back, each only if no other process changed it since it was read (else read again and
     * changed again, {@link FactRewrites}), and then the profiles, each only if no other process
     * changed it since its facts were read; after a conflict on either the user's facts are read
     * again, settled and the profile rebuilt ({@link SharedProfiles}).
     */
    public void rememberCurrentFacts(List<StoredMemory> written) {
        known.rememberCurrentFacts(written);
        if (shared) {
            sharedProfiles.commit();
        }
    }

    /**
     * Whether other processes write the store: then a call that changes no fact still hands its
     * turns to {@link #settleIfUnsettled}.
     */
    public boolean shared() {
        return shared;
    }

    /**
     * Over a {@link SharedStore}, for a call that changes no fact (a remember without a statement;
     * the caller holds the lock): each user of {@code turns} whose profile was not built from their
     * current facts (another server stored facts and stopped before its profile) has them settled
     * and the profile written ({@link SharedProfiles}), so such facts wait for the user's next call
     * of any kind, not for their next statement. Costs each user one real-time read of the profile
     * and one listing of their facts. Nothing over a store that is not shared.
     */
    public void settleIfUnsettled(List<Memory> turns, Instant now) {
        if (!shared) {
            return;
        }
        forgetIfShared();
        var users = new LinkedHashSet<Scope>();
        turns.forEach(t -> FactRecords.userOf(t.scope()).ifPresent(users::add));
        users.forEach(user -> sharedProfiles.settleIfUnsettled(user, now));
    }

    /**
     * After a forget (the caller holds the lock): deletes the facts read from the deleted turns,
     * opens again what they had closed, drops the deleted turns from the sources of facts they only
     * reinforced, and rebuilds or removes the profiles of the users concerned. Returns how many
     * facts it deleted.
     */
    public int repairAfterForget(String tenant, Collection<Memory> deleted, Instant now) {
        forgetIfShared();
        return repairs.repairAfterForget(tenant, deleted, now);
    }

    /**
     * After an update replaced the text of {@code before} with {@code after}'s (the caller holds
     * the lock): the facts read from the old text are closed as of {@code now}, and the new text is
     * read and consolidated like a remembered turn.
     */
    public void repairAfterUpdate(Memory before, Memory after, Embedding vector, Instant now) {
        forgetIfShared();
        repairs.repairAfterUpdate(before, after, vector, now);
    }

    /**
     * Over a {@link SharedStore}, another process may have changed any user's facts since the last
     * call: what is kept is dropped, so this call reads the users it touches from the store.
     */
    private void forgetIfShared() {
        if (shared) {
            known.clear();
        }
    }
}
