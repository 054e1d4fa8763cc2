package dev.loci.internal.facts;

import static dev.loci.internal.facts.FactRecords.ATTRIBUTE;
import static dev.loci.internal.facts.FactRecords.CATEGORY;
import static dev.loci.internal.facts.FactRecords.MAX_CURRENT;
import static dev.loci.internal.facts.FactRecords.NEGATED;
import static dev.loci.internal.facts.FactRecords.SINGLE;
import static dev.loci.internal.facts.FactRecords.SUBJECT;
import static dev.loci.internal.facts.FactRecords.TURN;
import static dev.loci.internal.facts.FactRecords.VALUE;
import static dev.loci.internal.facts.FactRecords.about;
import static dev.loci.internal.facts.FactRecords.owner;
import static dev.loci.internal.facts.FactRecords.statementOf;
import static dev.loci.internal.facts.FactRecords.userOf;
import static dev.loci.internal.facts.FactRecords.validUntil;
import static dev.loci.internal.facts.FactRecords.withSources;

import dev.loci.ConsolidationConfig;
import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.internal.facts.extract.ValueNormaliser;
import dev.loci.internal.util.MemoryIds;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.Statement;
import dev.loci.spi.StoredMemory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Consolidates the statements of turns into FACT memories. For each statement the current facts
 * of the turn's owner on the same subject and attribute are gathered (kept ones for a user,
 * {@link KnownFacts}; a metadata filter for a tenant; this call's), then:
 * <ul>
 *   <li>the same claim again (same value, same polarity) <em>reinforces</em> the existing fact
 *       instead of storing a copy: one more access, importance up {@value #REINFORCEMENT}, the new
 *       turn added to its sources (provenance of both);</li>
 *   <li>otherwise a new FACT is stored: the statement's words as text, the turn's vector (no new
 *       embedding), the turn as child and source, the statement under {@code loci.*} metadata keys
 *       ({@link FactRecords}). Each current fact the {@link Supersession} rule says it contradicts
 *       is <em>closed</em> ({@code validTo} = when the new one was said) and the two are linked
 *       both ways, and so are their turns. Between two contradicting statements the one said later
 *       (event time) wins, whatever the order of ingestion: a statement older than the fact it
 *       contradicts is stored closed already.</li>
 * </ul>
 * The users whose facts changed get their profile rewritten ({@link ProfileBuilder}). Not
 * thread-safe: called under the lock that guards {@link KnownFacts}.
 */
final class FactConsolidator {
    static final double FACT_IMPORTANCE = 0.6;
    static final double REINFORCEMENT = 0.05;

    private final Supersession rule;
    private final MemoryStore store;
    private final ConsolidationConfig consolidation;
    private final KnownFacts known;
    private final ProfileBuilder profiles;
    /** Rewrites stored facts (conditionally over a shared store). */
    private final FactRewrites rewrites;

    FactConsolidator(Supersession rule, MemoryStore store, ConsolidationConfig consolidation, KnownFacts known,
                     ProfileBuilder profiles, FactRewrites rewrites) {
        this.rule = rule;
        this.store = store;
        this.consolidation = consolidation;
        this.known = known;
        this.profiles = profiles;
        this.rewrites = rewrites;
    }

    /**
     * Everything to write for {@code turns} (not yet stored, with {@code vectors}), from their
     * {@code statements}: the {@code organised} records of the call (turns and episodes; a turn
     * whose statement a later one contradicts, or that contradicts an earlier one, gets its
     * supersession link), then the new and rewritten facts, the turns already stored that get a
     * link, and the profiles. {@code batch} is new, and holds what was rewritten and how once this
     * returns.
     */
    List<StoredMemory> consolidate(FactBatch batch, List<StoredMemory> organised, List<Memory> turns,
                                   List<Embedding> vectors, List<List<Statement>> statements, Instant now) {
        for (int i = 0; i < turns.size(); i++) {
            consolidateTurn(turns.get(i), vectors.get(i), statements.get(i), now, batch, "");
        }
        if (batch.memories.isEmpty()) {
            return organised;
        }
        var out = new ArrayList<StoredMemory>(organised.size() + batch.memories.size());
        for (StoredMemory r : organised) {
            Memory m = r.memory();
            out.add(batch.linked(m.id()) ? new StoredMemory(batch.withLinks(m), r.embedding(), r.indexText()) : r);
        }
        Set<String> inCall = new HashSet<>();
        turns.forEach(t -> inCall.add(t.id()));
        linkStoredTurns(turns.get(0).scope().tenant(), batch, inCall);
        batch.fillVectors(store);
        var users = new LinkedHashSet<Scope>();
        batch.memories.values().forEach(m -> userOf(m.scope()).ifPresent(users::add));
        for (Scope user : users) {
            profiles.profile(user, batch, now).ifPresent(p -> batch.memories.put(p.id(), p));
        }
        out.addAll(batch.stored(consolidation));
        return out;
    }

    /**
     * Consolidates the statements one turn said into the batch.
     *
     * @param tag put in the ids of the new facts, so a turn read again after an update gets new ones
     */
    void consolidateTurn(Memory turn, Embedding vector, List<Statement> said, Instant now, FactBatch batch,
                         String tag) {
        for (int k = 0; k < said.size(); k++) {
            consolidate(turn, vector, k, said.get(k), now, batch, tag);
        }
    }

    /**
     * Rewrites the turns already stored (not among {@code inCall}) that take a supersession link
     * (their vector is kept; their keys are those of a turn alone, as after a forget's repairs).
     */
    void linkStoredTurns(String tenant, FactBatch batch, Set<String> inCall) {
        for (String id : batch.linkedTurns()) {
            if (!inCall.contains(id)) {
                store.get(tenant, id).filter(t -> t.kind() == Kind.TURN).ifPresent(t -> batch.put(batch.withLinks(t), null));
            }
        }
    }

    /** The {@code k}-th statement of the turn: reinforces a current fact, or is a new one that may close others. */
    private void consolidate(Memory turn, Embedding vector, int k, Statement st, Instant now, FactBatch batch,
                             String tag) {
        List<Memory> current = currentFacts(turn.scope(), st, now, batch);
        for (Memory fact : current) {
            if (sameClaim(statementOf(fact), st)) {
                rewrite(fact, batch, reinforcement(turn, vector, k, st, now, tag));
                return;
            }
        }
        Memory fact = newFact(turn, k, st, now, tag);
        for (Memory other : current) {
            Statement theirs = statementOf(other);
            if (other.occurredAt().isAfter(turn.occurredAt())) {
                // The stored one was said later: if it contradicts the new statement, the new one is history.
                if (rule.decide(st, theirs, similarity(vector, other, batch)).supersedes()) {
                    fact = closed(fact, other.occurredAt(), other.id());
                    batch.link(turn.id(), other.metadata().get(TURN));
                    String closedId = fact.id();
                    rewrite(other, batch, (f, added) -> f == null ? null
                            : f.withLifecycle(f.lifecycle().withSupersedes(closedId)));
                }
            } else if (rule.decide(theirs, st, similarity(vector, other, batch)).supersedes()) {
                rewrite(other, batch, closing(turn.occurredAt(), fact.id()));
                batch.link(other.metadata().get(TURN), turn.id());
                if (fact.validTo() == null) {
                    fact = fact.withLifecycle(fact.lifecycle().withSupersedes(other.id()));
                }
            }
        }
        batch.put(fact, vector);
    }

    /**
     * Rewrites a current fact with {@code edit}, from this call's version, else the store's (a
     * known copy may lag behind a rewrite of its lifecycle, such as pinning; over a shared store
     * the one read with its version, see {@link FactRewrites}).
     */
    private void rewrite(Memory fact, FactBatch batch, FactEdit edit) {
        String tenant = fact.scope().tenant();
        rewrites.rewrite(tenant, fact.id(), batch, () -> store.get(tenant, fact.id()).orElse(fact),
                vectorOf(fact, batch), edit);
    }

    /**
     * The same claim made again by the {@code k}-th statement of {@code turn}: its turn joins the
     * fact's sources. Made again after a conflict on a fact another process closed before the
     * claim was said, or deleted, the claim is stored as a new fact instead (settled with the
     * user's others before the profile is written).
     */
    private static FactEdit reinforcement(Memory turn, Embedding vector, int k, Statement st, Instant now, String tag) {
        return (fact, added) -> {
            if (fact != null && (fact.validTo() == null || fact.validTo().isAfter(turn.occurredAt()))) {
                return reinforced(fact, turn, now);
            }
            added.put(newFact(turn, k, st, now, tag), vector);
            return fact;
        };
    }

    /**
     * Closes a fact as of {@code until} by the fact {@code by}. A fact already closed by then
     * (another process closed it with a statement said no later) keeps that closing: between two
     * statements that close one fact, the one said first does.
     */
    static FactEdit closing(Instant until, String by) {
        return (fact, added) -> fact == null || (fact.validTo() != null && !fact.validTo().isAfter(until)) ? fact
                : closed(fact, until, by);
    }

    /** The same claim: same polarity and the same named value (two unnamed values are two events). */
    static boolean sameClaim(Statement a, Statement b) {
        return a.negated() == b.negated() && !a.valueUnspecified() && !b.valueUnspecified()
                && ValueNormaliser.same(a.value(), b.value());
    }

    /** Cosine of the new statement's turn and a current fact (both unit vectors). */
    private double similarity(Embedding vector, Memory fact, FactBatch batch) {
        Embedding theirs = vectorOf(fact, batch);
        return theirs == null ? 0 : Math.max(-1, Math.min(1, vector.dot(theirs)));
    }

    /** A fact's vector: this call's, the known one, else the store's. */
    private Embedding vectorOf(Memory fact, FactBatch batch) {
        Embedding v = batch.vectors.get(fact.id());
        if (v == null) {
            v = known.vector(fact);
        }
        if (v == null) {
            v = store.vectors(fact.scope().tenant(), List.of(fact.id())).get(fact.id());
        }
        if (v != null) {
            batch.vectors.put(fact.id(), v);
        }
        return v;
    }

    /** Current facts of the turn's owner on the statement's subject and attribute: this call's, then the store's. */
    private List<Memory> currentFacts(Scope scope, Statement st, Instant now, FactBatch batch) {
        var out = new LinkedHashMap<String, Memory>();
        Scope owner = owner(scope);
        if (owner.userId() != null) {
            for (Memory m : known.of(owner, now).facts.values()) {
                if (about(m, st) && known.current(m, now)) {
                    out.put(m.id(), batch.memories.getOrDefault(m.id(), m));
                }
            }
        } else {
            var filter = new SearchFilter(owner, Set.of(Kind.FACT), null,
                    Map.of(SUBJECT, st.subject(), ATTRIBUTE, st.attribute())).visibleAt(now);
            for (Memory m : store.list(filter, MAX_CURRENT)) {
                if (m.scope().userId() == null) {
                    out.put(m.id(), batch.memories.getOrDefault(m.id(), m));
                }
            }
        }
        rewrites.refresh(owner.tenant(), out, batch);
        for (Memory m : batch.memories.values()) {
            if (m.kind() == Kind.FACT && owner.covers(m.scope()) && about(m, st)) {
                out.put(m.id(), m);
            }
        }
        out.values().removeIf(m -> m.validTo() != null);
        return List.copyOf(out.values());
    }

    private static Memory newFact(Memory turn, int k, Statement st, Instant now, String tag) {
        var metadata = new LinkedHashMap<>(turn.metadata());
        metadata.put(SUBJECT, st.subject());
        metadata.put(ATTRIBUTE, st.attribute());
        metadata.put(VALUE, st.value());
        metadata.put(CATEGORY, st.category().name());
        metadata.put(SINGLE, Boolean.toString(st.singleValued()));
        metadata.put(NEGATED, Boolean.toString(st.negated()));
        metadata.put(TURN, turn.id());
        String id = MemoryIds.forClientId(turn.scope(), "fact:" + tag + turn.id() + ":" + k);
        Memory fact = Memory.builder().id(id).scope(turn.scope()).kind(Kind.FACT).text(st.span()).role(turn.role())
                .speaker(turn.speaker()).occurredAt(turn.occurredAt()).recordedAt(now).validFrom(turn.occurredAt())
                .sourceIds(List.of(turn.id())).childIds(List.of(turn.id())).importance(FACT_IMPORTANCE)
                .metadata(metadata).build();
        // A fact quotes its turn: it expires with it.
        return turn.lifecycle().expiresAt() == null ? fact
                : fact.withLifecycle(fact.lifecycle().withExpiresAt(turn.lifecycle().expiresAt()));
    }

    private static Memory reinforced(Memory fact, Memory turn, Instant now) {
        var sources = new ArrayList<>(fact.sourceIds());
        var children = new ArrayList<>(fact.childIds());
        if (!sources.contains(turn.id())) {
            sources.add(turn.id());
            children.add(turn.id());
        }
        return withSources(fact, sources, children, Math.min(1.0, fact.importance() + REINFORCEMENT),
                fact.lifecycle().accessed(now));
    }

    private static Memory closed(Memory fact, Instant until, String by) {
        return validUntil(fact, until, fact.lifecycle().withSupersededBy(by));
    }
}
