package dev.loci.internal.facts;

import static dev.loci.internal.facts.FactRecords.ATTRIBUTE;
import static dev.loci.internal.facts.FactRecords.MAX_CURRENT;
import static dev.loci.internal.facts.FactRecords.SUBJECT;
import static dev.loci.internal.facts.FactRecords.TURN;
import static dev.loci.internal.facts.FactRecords.owner;
import static dev.loci.internal.facts.FactRecords.userOf;
import static dev.loci.internal.facts.FactRecords.validUntil;
import static dev.loci.internal.facts.FactRecords.withSources;

import dev.loci.ConsolidationConfig;
import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.internal.util.MemoryIds;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.Statement;
import dev.loci.spi.StoredMemory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Repairs facts after the turns they were read from change:
 * <ul>
 *   <li>after a forget ({@link #repairAfterForget}): the facts read from deleted turns are deleted
 *       (their text is those turns' words), the facts they had closed are opened again, facts only
 *       reinforced by a deleted turn lose it from their sources, and the profiles of the users
 *       concerned are rebuilt or removed;</li>
 *   <li>after an update ({@link #repairAfterUpdate}): the facts of the replaced text are closed and
 *       the new text is read and consolidated like a remembered turn.</li>
 * </ul>
 * Each writes its repairs as one batch and brings {@link KnownFacts} up to date. Not thread-safe:
 * callers hold the engine's rewrite lock.
 */
final class FactRepairs {
    private final MemoryStore store;
    private final ConsolidationConfig consolidation;
    private final FactReader reader;
    private final FactConsolidator consolidator;
    private final ProfileBuilder profiles;
    /** Over a shared store, writes the profiles last and only if unchanged; null otherwise. */
    private final SharedProfiles shared;
    private final KnownFacts known;
    /** Rewrites stored facts (conditionally over a shared store). */
    private final FactRewrites rewrites;

    FactRepairs(MemoryStore store, ConsolidationConfig consolidation, FactReader reader, FactConsolidator consolidator,
                ProfileBuilder profiles, KnownFacts known, FactRewrites rewrites, SharedProfiles shared) {
        this.rewrites = rewrites;
        this.store = store;
        this.consolidation = consolidation;
        this.reader = reader;
        this.consolidator = consolidator;
        this.profiles = profiles;
        this.shared = shared;
        this.known = known;
    }

    /**
     * After a forget: deletes the facts read from the deleted turns, opens again what they had
     * closed, drops the deleted turns from the sources of facts they only reinforced, and rebuilds
     * or removes the profiles of the users concerned. Returns how many facts it deleted.
     */
    int repairAfterForget(String tenant, Collection<Memory> deleted, Instant now) {
        var batch = new FactBatch();
        var users = new LinkedHashSet<Scope>();
        Set<String> goneIds = new HashSet<>();
        deleted.forEach(m -> goneIds.add(m.id()));
        int removed = 0;
        for (Memory m : deleted) {
            if (m.kind() == Kind.TURN || m.kind() == Kind.FACT || m.kind() == Kind.PROFILE) {
                userOf(m.scope()).ifPresent(users::add);
            }
            if (m.kind() == Kind.FACT) {
                reopen(tenant, m, goneIds, batch); // forgotten by id, or expired with its turn
            }
            if (m.kind() != Kind.TURN) {
                continue;
            }
            var readFrom = new SearchFilter(owner(m.scope()), Set.of(Kind.FACT), null,
                    Map.of(TURN, m.id()));
            for (Memory fact : store.deleteMatching(readFrom)) {
                removed++;
                goneIds.add(fact.id());
                batch.memories.remove(fact.id());
                reopen(tenant, fact, goneIds, batch);
            }
        }
        // Facts a deleted turn reinforced keep their text (another turn's words) but lose the source.
        for (Memory m : deleted) {
            if (m.kind() == Kind.TURN) {
                unsource(m, goneIds, batch);
            }
        }
        batch.fillVectors(store);
        users.forEach(known::drop); // what is known of them predates the deletes: read it again
        for (Scope user : users) {
            Optional<Memory> profile = profiles.profile(user, batch, now);
            if (profile.isPresent()) {
                batch.memories.put(profile.get().id(), profile.get());
            } else {
                store.delete(tenant, MemoryIds.profileId(tenant, user.userId()));
            }
        }
        if (!batch.memories.isEmpty()) {
            write(batch, now);
        }
        return removed;
    }

    /**
     * After an update replaced the text of {@code before} with {@code after}'s: the facts read from
     * the old text are closed as of {@code now}, and the new text is read and consolidated like a
     * remembered turn.
     */
    void repairAfterUpdate(Memory before, Memory after, Embedding vector, Instant now) {
        userOf(before.scope()).ifPresent(known::drop);
        var batch = new FactBatch();
        var readFrom = new SearchFilter(owner(before.scope()), Set.of(Kind.FACT), null,
                Map.of(TURN, before.id())).visibleAt(now);
        for (Memory fact : store.list(readFrom, MAX_CURRENT)) {
            rewrites.rewrite(fact.scope().tenant(), fact.id(), batch, () -> fact, null,
                    (f, added) -> f == null || (f.validTo() != null && !f.validTo().isAfter(now)) ? f
                            : validUntil(f, now, f.lifecycle()));
        }
        consolidator.consolidateTurn(after, vector, reader.read(after), now, batch, "v" + after.version() + ":");
        if (batch.memories.isEmpty()) {
            return;
        }
        consolidator.linkStoredTurns(after.scope().tenant(), batch, Set.of());
        batch.fillVectors(store);
        userOf(after.scope()).flatMap(user -> profiles.profile(user, batch, now))
                .ifPresent(p -> batch.memories.put(p.id(), p));
        write(batch, now);
    }

    private void write(FactBatch batch, Instant now) {
        List<StoredMemory> written = batch.stored(consolidation);
        if (shared != null) {
            written = shared.holdBack(written, batch, now);
        }
        store.write(written);
        known.rememberCurrentFacts(written);
        if (shared != null) {
            shared.commit();
        }
    }

    /** Opens again the fact a deleted one had closed, unless it was deleted too or closed by another. */
    private void reopen(String tenant, Memory deletedFact, Set<String> goneIds, FactBatch batch) {
        String closedId = deletedFact.lifecycle().supersedes();
        if (closedId == null || goneIds.contains(closedId)) {
            return;
        }
        String by = deletedFact.id();
        Memory reopened = rewrites.rewrite(tenant, closedId, batch, () -> store.get(tenant, closedId).orElse(null),
                batch.vectors.get(closedId), (c, added) -> c == null || !by.equals(c.lifecycle().supersededBy()) ? c
                        : validUntil(c, null, c.lifecycle().withSupersededBy(null)));
        if (reopened != null) {
            // Its turn is no longer superseded by a turn that is gone.
            String turnId = reopened.metadata().get(TURN);
            Optional.ofNullable(turnId).filter(t -> !goneIds.contains(t)).flatMap(t -> store.get(tenant, t))
                    .filter(t -> t.lifecycle().supersededBy() != null && goneIds.contains(t.lifecycle().supersededBy()))
                    .ifPresent(t -> batch.put(t.withLifecycle(t.lifecycle().withSupersededBy(null)), null));
        }
    }

    /** Drops a deleted turn from the sources of the facts it reinforced. */
    private void unsource(Memory turn, Set<String> goneIds, FactBatch batch) {
        String gone = turn.id();
        FactEdit unsourced = (fact, added) -> {
            if (fact == null || !fact.sourceIds().contains(gone)) {
                return fact;
            }
            var sources = new ArrayList<>(fact.sourceIds());
            var children = new ArrayList<>(fact.childIds());
            sources.remove(gone);
            children.remove(gone);
            return withSources(fact, sources, children, fact.importance(), fact.lifecycle());
        };
        // Reinforced facts are found through the fact the turn's statements would make: same subject and attribute.
        for (Statement st : reader.read(turn)) {
            var same = new SearchFilter(owner(turn.scope()), Set.of(Kind.FACT), null,
                    Map.of(SUBJECT, st.subject(), ATTRIBUTE, st.attribute()));
            for (Memory f : store.list(same, MAX_CURRENT)) {
                Memory fact = batch.memories.getOrDefault(f.id(), f);
                if (goneIds.contains(fact.id()) || !fact.sourceIds().contains(gone)) {
                    continue;
                }
                rewrites.rewrite(f.scope().tenant(), f.id(), batch, () -> f, batch.vectors.get(f.id()), unsourced);
            }
        }
    }
}
