package dev.loci.internal.facts;

import dev.loci.Kind;
import dev.loci.ConsolidationConfig;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.internal.facts.extract.ValueNormaliser;
import dev.loci.internal.util.IndexKeys;
import dev.loci.internal.util.MemoryIds;
import dev.loci.spi.Embedding;
import dev.loci.spi.Extractor;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.Statement;
import dev.loci.spi.StoredMemory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Facts, supersession, duplicates and the profile, top to bottom:
 * <ol>
 *   <li><b>read</b> ({@link #read}): the {@link Extractor} reads the statements each turn makes
 *       (turns of assistants and the system are skipped: they speak about the user, not for them);</li>
 *   <li><b>consolidate</b> ({@link #consolidate}), inside the remember call, so facts are written
 *       in the same atomic batch as their turns: for each statement the current FACT memories of
 *       the user on the same subject and attribute are listed (a metadata filter, exact);
 *       <ul>
 *         <li>the same claim again (same value, same polarity) <em>reinforces</em> the existing
 *             fact instead of storing a copy: one more access, importance up
 *             {@value #REINFORCEMENT}, the new turn added to its sources (provenance of both);</li>
 *         <li>otherwise a new FACT is stored: the statement's words as text, the turn's vector
 *             (no new embedding), the turn as child and source, the statement under
 *             {@code loci.*} metadata keys. Each current fact the {@link Supersession} rule says it
 *             contradicts is <em>closed</em> ({@code validTo} = when the new one was said) and the
 *             two are linked both ways. Between two contradicting statements the one said later
 *             (event time) wins, whatever the order of ingestion: a statement older than the fact
 *             it contradicts is stored closed already;</li>
 *       </ul></li>
 *   <li><b>profile</b>: when a user's facts changed, the user's PROFILE (one per user, at
 *       {@link MemoryIds#profileId}) is written again from the user's current facts
 *       ({@link ProfileText}); its vector is the normalised mean of theirs (no embedding);</li>
 *   <li><b>forgetting</b> ({@link #forgotten}): the facts read from deleted turns are deleted
 *       (their text is those turns' words), the facts they had closed are opened again, facts only
 *       reinforced by a deleted turn lose it from their sources, and the profiles are rebuilt or
 *       removed; <b>updating</b> ({@link #changed}) closes the facts of the replaced text and reads
 *       the new one.</li>
 * </ol>
 * Rewritten facts keep their vector ({@link MemoryStore#vectors}). Each user's current facts are
 * read from the store once and then kept in memory, up to {@value #MAX_KNOWN_FACTS} facts across
 * users ({@link Known}), so a remember call compares statements and rewrites the profile without
 * reading the store. Callers serialise every call but {@link #read} with one lock (the engine's
 * rewrite lock), so two calls never rebuild one profile from different views.
 */
public final class FactPipeline {
    private static final System.Logger LOG = System.getLogger(FactPipeline.class.getName());
    static final String SUBJECT = "loci.subject";
    static final String ATTRIBUTE = "loci.attribute";
    static final String VALUE = "loci.value";
    static final String CATEGORY = "loci.category";
    static final String SINGLE = "loci.single";
    static final String NEGATED = "loci.negated";
    /** The turn a fact was read from (its first source), for finding the facts of a deleted turn. */
    static final String TURN = "loci.turn";
    /** Most statements kept from one turn: a long document gives no more facts than this. */
    static final int MAX_STATEMENTS_PER_TURN = 16;
    /** Most current facts of one subject and attribute compared with a new statement. */
    static final int MAX_CURRENT = 1_000;
    /** Most current facts a profile is built from (the oldest first when a user has more). */
    static final int MAX_PROFILE_FACTS = 10_000;
    static final double FACT_IMPORTANCE = 0.6;
    static final double REINFORCEMENT = 0.05;

    /** Most facts kept in memory across users ({@link Known}); the least recently used users go first. */
    static final int MAX_KNOWN_FACTS = 20_000;

    private final Extractor extractor;
    private final Supersession rule;
    private final MemoryStore store;
    private final ConsolidationConfig consolidation;
    /** Users' current facts as last written, least recently used first (guarded by the caller's lock). */
    private final LinkedHashMap<Scope, Known> known = new LinkedHashMap<>(16, 0.75f, true);
    private int knownFacts;

    public FactPipeline(Extractor extractor, Supersession rule, MemoryStore store, ConsolidationConfig consolidation) {
        this.extractor = extractor;
        this.rule = rule;
        this.store = store;
        this.consolidation = consolidation;
    }

    /** The statements of each turn, in order (none for assistant and system turns). Thread-safe. */
    public List<List<Statement>> read(List<Memory> turns) {
        var out = new ArrayList<List<Statement>>(turns.size());
        for (Memory turn : turns) {
            if (turn.kind() != Kind.TURN || "assistant".equalsIgnoreCase(turn.role())
                    || "system".equalsIgnoreCase(turn.role())) {
                out.add(List.of());
                continue;
            }
            List<Statement> all;
            try {
                all = extractor.extract(turn.text(), turn.speaker(), turn.occurredAt());
            } catch (RuntimeException e) {
                // A faulty extractor costs the turn its facts, never the turn.
                LOG.log(System.Logger.Level.WARNING, "the extractor failed on turn " + turn.id()
                        + "; it is stored without facts", e);
                all = List.of();
            }
            out.add(all.size() > MAX_STATEMENTS_PER_TURN ? all.subList(0, MAX_STATEMENTS_PER_TURN) : all);
        }
        return out;
    }

    /** Whether {@link #read} found anything to consolidate. */
    public static boolean any(List<List<Statement>> statements) {
        return statements.stream().anyMatch(s -> !s.isEmpty());
    }

    /**
     * Everything to write for {@code turns} (not yet stored, with {@code vectors}), from their
     * {@code statements} as {@link #read} gave them: the {@code organised} records of the call
     * (turns and episodes; a turn whose statement a later one contradicts, or that contradicts an
     * earlier one, gets its supersession link), then the new and rewritten facts, the turns
     * already stored that get a link, and the profiles. Once the caller has written them, it hands
     * them to {@link #committed}.
     */
    public List<StoredMemory> consolidate(List<StoredMemory> organised, List<Memory> turns, List<Embedding> vectors,
                                          List<List<Statement>> statements, Instant now) {
        var batch = new Batch();
        for (int i = 0; i < turns.size(); i++) {
            List<Statement> said = statements.get(i);
            for (int k = 0; k < said.size(); k++) {
                apply(turns.get(i), vectors.get(i), k, said.get(k), now, batch);
            }
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
        fillVectors(batch);
        var users = new LinkedHashSet<Scope>();
        batch.memories.values().forEach(m -> userOf(m.scope()).ifPresent(users::add));
        for (Scope user : users) {
            profile(user, batch, now).ifPresent(p -> batch.memories.put(p.id(), p));
        }
        out.addAll(batch.stored(consolidation));
        return out;
    }

    /**
     * Rewrites the turns already stored that take a supersession link (their vector is kept; their
     * keys are those of a turn alone, as after a forget's repairs).
     */
    private void linkStoredTurns(String tenant, Batch batch, Set<String> inCall) {
        for (String id : batch.linkedTurns()) {
            if (!inCall.contains(id)) {
                store.get(tenant, id).filter(t -> t.kind() == Kind.TURN).ifPresent(t -> batch.put(batch.withLinks(t), null));
            }
        }
    }

    /** What {@link #consolidate} returned has been written: the users' known facts follow it. */
    public void committed(List<StoredMemory> written) {
        for (StoredMemory r : written) {
            Memory m = r.memory();
            Known k = userOf(m.scope()).map(known::get).orElse(null);
            if (k == null) {
                continue;
            }
            if (m.kind() == Kind.PROFILE) {
                k.profileVersion = m.version();
                k.profileCreated = m.recordedAt();
            } else if (m.kind() == Kind.FACT && m.validTo() == null) {
                if (k.facts.put(m.id(), m) == null) {
                    knownFacts++;
                }
                k.vectors.put(m.id(), r.embedding());
            } else if (m.kind() == Kind.FACT && k.facts.remove(m.id()) != null) {
                k.vectors.remove(m.id());
                knownFacts--;
            }
        }
        evict(null);
    }

    /**
     * After a forget (the caller holds the lock): deletes the facts read from the deleted turns,
     * opens again what they had closed, drops the deleted turns from the sources of facts they only
     * reinforced, and rebuilds or removes the profiles of the users concerned. Returns how many
     * facts it deleted.
     */
    public int forgotten(String tenant, Collection<Memory> deleted, Instant now) {
        var batch = new Batch();
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
        fillVectors(batch);
        users.forEach(this::forget); // what is known of them predates the deletes: read it again
        for (Scope user : users) {
            Optional<Memory> profile = profile(user, batch, now);
            if (profile.isPresent()) {
                batch.memories.put(profile.get().id(), profile.get());
            } else {
                store.delete(tenant, MemoryIds.profileId(tenant, user.userId()));
            }
        }
        if (!batch.memories.isEmpty()) {
            List<StoredMemory> written = batch.stored(consolidation);
            store.write(written);
            committed(written);
        }
        return removed;
    }

    /**
     * After an update replaced the text of {@code before} with {@code after}'s (the caller holds
     * the lock): the facts read from the old text are closed as of {@code now}, and the new text is
     * read and consolidated like a remembered turn.
     */
    public void changed(Memory before, Memory after, Embedding vector, Instant now) {
        userOf(before.scope()).ifPresent(this::forget);
        var batch = new Batch();
        var readFrom = new SearchFilter(owner(before.scope()), Set.of(Kind.FACT), null,
                Map.of(TURN, before.id())).visibleAt(now);
        for (Memory fact : store.list(readFrom, MAX_CURRENT)) {
            batch.put(validUntil(fact, now, fact.lifecycle()), null);
        }
        List<Statement> said = read(List.of(after)).get(0);
        for (int k = 0; k < said.size(); k++) {
            apply(after, vector, k, said.get(k), now, batch, "v" + after.version() + ":");
        }
        if (batch.memories.isEmpty()) {
            return;
        }
        linkStoredTurns(after.scope().tenant(), batch, Set.of());
        fillVectors(batch);
        userOf(after.scope()).flatMap(user -> profile(user, batch, now)).ifPresent(p -> batch.memories.put(p.id(), p));
        List<StoredMemory> written = batch.stored(consolidation);
        store.write(written);
        committed(written);
    }

    private void apply(Memory turn, Embedding vector, int k, Statement st, Instant now, Batch batch) {
        apply(turn, vector, k, st, now, batch, "");
    }

    private void apply(Memory turn, Embedding vector, int k, Statement st, Instant now, Batch batch, String tag) {
        List<Memory> current = currentFacts(turn.scope(), st, now, batch);
        for (Memory fact : current) {
            if (sameClaim(statementOf(fact), st)) {
                Memory latest = latest(fact, batch);
                batch.put(reinforced(latest, turn, now), vectorOf(latest, batch));
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
                    Memory latest = latest(other, batch);
                    batch.put(latest.withLifecycle(latest.lifecycle().withSupersedes(fact.id())),
                            vectorOf(latest, batch));
                }
            } else if (rule.decide(theirs, st, similarity(vector, other, batch)).supersedes()) {
                Memory latest = latest(other, batch);
                batch.put(closed(latest, turn.occurredAt(), fact.id()), vectorOf(latest, batch));
                batch.link(other.metadata().get(TURN), turn.id());
                if (fact.validTo() == null) {
                    fact = fact.withLifecycle(fact.lifecycle().withSupersedes(other.id()));
                }
            }
        }
        batch.put(fact, vector);
    }

    /** The same claim: same polarity and the same named value (two unnamed values are two events). */
    private static boolean sameClaim(Statement a, Statement b) {
        return a.negated() == b.negated() && !a.valueUnspecified() && !b.valueUnspecified()
                && ValueNormaliser.same(a.value(), b.value());
    }

    /** Cosine of the new statement's turn and a current fact (both unit vectors). */
    private double similarity(Embedding vector, Memory fact, Batch batch) {
        Embedding theirs = vectorOf(fact, batch);
        return theirs == null ? 0 : Math.max(-1, Math.min(1, vector.dot(theirs)));
    }

    /** A fact's vector: this call's, the known one, else the store's. */
    private Embedding vectorOf(Memory fact, Batch batch) {
        Embedding v = batch.vectors.get(fact.id());
        if (v == null) {
            Known k = userOf(fact.scope()).map(known::get).orElse(null);
            v = k == null ? null : k.vectors.get(fact.id());
        }
        if (v == null) {
            v = store.vectors(fact.scope().tenant(), List.of(fact.id())).get(fact.id());
        }
        if (v != null) {
            batch.vectors.put(fact.id(), v);
        }
        return v;
    }

    /**
     * The fact as stored now, before it is rewritten: this call's version, else the store's (a
     * known copy may lag behind a rewrite of its lifecycle, such as pinning).
     */
    private Memory latest(Memory fact, Batch batch) {
        Memory mine = batch.memories.get(fact.id());
        return mine != null ? mine : store.get(fact.scope().tenant(), fact.id()).orElse(fact);
    }

    /** Current facts of the turn's owner on the statement's subject and attribute: this call's, then the store's. */
    private List<Memory> currentFacts(Scope scope, Statement st, Instant now, Batch batch) {
        var out = new LinkedHashMap<String, Memory>();
        Scope owner = owner(scope);
        if (owner.userId() != null) {
            for (Memory m : known(owner, now).facts.values()) {
                if (about(m, st) && m.visibleAt(now)) {
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
        for (Memory m : batch.memories.values()) {
            if (m.kind() == Kind.FACT && owner.covers(m.scope()) && about(m, st)) {
                out.put(m.id(), m);
            }
        }
        out.values().removeIf(m -> m.validTo() != null);
        return List.copyOf(out.values());
    }

    private static boolean about(Memory fact, Statement st) {
        return st.subject().equals(fact.metadata().get(SUBJECT)) && st.attribute().equals(fact.metadata().get(ATTRIBUTE));
    }

    /** Where facts are compared: the user's scope, or the tenant's when the scope names no user. */
    private static Scope owner(Scope scope) {
        return scope.userId() != null ? Scope.user(scope.tenant(), scope.userId()) : Scope.tenant(scope.tenant());
    }

    /** The user whose profile the memories of a scope feed; empty when the scope names none. */
    private static Optional<Scope> userOf(Scope scope) {
        return scope.userId() == null ? Optional.empty() : Optional.of(Scope.user(scope.tenant(), scope.userId()));
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

    /** The statement a FACT keeps in its metadata. */
    static Statement statementOf(Memory fact) {
        Map<String, String> md = fact.metadata();
        return new Statement(md.get(SUBJECT), md.get(ATTRIBUTE), md.get(VALUE),
                Statement.Category.valueOf(md.get(CATEGORY)), Boolean.parseBoolean(md.get(SINGLE)),
                Boolean.parseBoolean(md.get(NEGATED)), fact.text());
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

    private static Memory withSources(Memory f, List<String> sources, List<String> children, double importance,
                                    dev.loci.Lifecycle lifecycle) {
        return f.toBuilder().sourceIds(sources).childIds(children).importance(importance).lifecycle(lifecycle).build();
    }

    private static Memory closed(Memory fact, Instant until, String by) {
        return validUntil(fact, until, fact.lifecycle().withSupersededBy(by));
    }

    /** The fact with another end of validity ({@code null}: still valid) and lifecycle. */
    private static Memory validUntil(Memory f, Instant validTo, dev.loci.Lifecycle lifecycle) {
        return f.toBuilder().validTo(validTo).lifecycle(lifecycle).build();
    }

    /** Opens again the fact a deleted one had closed, unless it was deleted too or closed by another. */
    private void reopen(String tenant, Memory deletedFact, Set<String> goneIds, Batch batch) {
        String closedId = deletedFact.lifecycle().supersedes();
        if (closedId == null || goneIds.contains(closedId)) {
            return;
        }
        Optional<Memory> closed = Optional.ofNullable(batch.memories.get(closedId)).or(() -> store.get(tenant, closedId));
        closed.filter(c -> deletedFact.id().equals(c.lifecycle().supersededBy())).ifPresent(c -> {
            batch.put(validUntil(c, null, c.lifecycle().withSupersededBy(null)), batch.vectors.get(c.id()));
            // Its turn is no longer superseded by a turn that is gone.
            String turnId = c.metadata().get(TURN);
            Optional.ofNullable(turnId).filter(t -> !goneIds.contains(t)).flatMap(t -> store.get(tenant, t))
                    .filter(t -> t.lifecycle().supersededBy() != null && goneIds.contains(t.lifecycle().supersededBy()))
                    .ifPresent(t -> batch.put(t.withLifecycle(t.lifecycle().withSupersededBy(null)), null));
        });
    }

    /** Drops a deleted turn from the sources of the facts it reinforced. */
    private void unsource(Memory turn, Set<String> goneIds, Batch batch) {
        // Reinforced facts are found through the fact the turn's statements would make: same subject and attribute.
        for (Statement st : read(List.of(turn)).get(0)) {
            var same = new SearchFilter(owner(turn.scope()), Set.of(Kind.FACT), null,
                    Map.of(SUBJECT, st.subject(), ATTRIBUTE, st.attribute()));
            for (Memory f : store.list(same, MAX_CURRENT)) {
                Memory fact = batch.memories.getOrDefault(f.id(), f);
                if (goneIds.contains(fact.id()) || !fact.sourceIds().contains(turn.id())) {
                    continue;
                }
                var sources = new ArrayList<>(fact.sourceIds());
                var children = new ArrayList<>(fact.childIds());
                sources.remove(turn.id());
                children.remove(turn.id());
                batch.put(withSources(fact, sources, children, fact.importance(), fact.lifecycle()),
                        batch.vectors.get(fact.id()));
            }
        }
    }

    /**
     * The user's profile over their current facts (this call's changes included), its vector put
     * in the batch; empty when they have none.
     */
    private Optional<Memory> profile(Scope user, Batch batch, Instant now) {
        String id = MemoryIds.profileId(user.tenant(), user.userId());
        Known k = known(user, now);
        var facts = new LinkedHashMap<String, Memory>(k.facts);
        for (Memory m : batch.memories.values()) {
            if (m.kind() == Kind.FACT && user.covers(m.scope())) {
                facts.put(m.id(), m);
            }
        }
        List<Memory> current = facts.values().stream().filter(m -> m.visibleAt(now))
                .sorted(Comparator.comparing(Memory::occurredAt).thenComparing(Memory::id)).toList();
        if (current.isEmpty()) {
            return Optional.empty();
        }
        Memory profile = ProfileText.profile(id, user, current, k.profileVersion + 1,
                k.profileCreated != null ? k.profileCreated : now, now);
        Map<String, Embedding> vectors = new HashMap<>(k.vectors);
        vectors.putAll(batch.vectors);
        var missing = current.stream().map(Memory::id).filter(f -> !vectors.containsKey(f)).toList();
        if (!missing.isEmpty()) {
            vectors.putAll(store.vectors(user.tenant(), missing));
        }
        batch.vectors.put(id, mean(current, vectors));
        return Optional.of(profile);
    }

    private static Embedding mean(List<Memory> facts, Map<String, Embedding> vectors) {
        float[] sum = null;
        for (Memory f : facts) {
            Embedding v = vectors.get(f.id());
            if (v == null) {
                continue;
            }
            if (sum == null) {
                sum = new float[v.dimensions()];
            }
            for (int d = 0; d < sum.length; d++) {
                sum[d] += v.get(d);
            }
        }
        if (sum == null) {
            throw new IllegalStateException("no vector for any fact of the profile");
        }
        return Embedding.normalized(sum);
    }

    /** Loads, once, the stored vectors of the rewritten facts that do not have one in the batch. */
    private void fillVectors(Batch batch) {
        Map<String, List<String>> missing = new HashMap<>();
        for (Memory m : batch.memories.values()) {
            if (batch.vectors.get(m.id()) == null) {
                missing.computeIfAbsent(m.scope().tenant(), t -> new ArrayList<>()).add(m.id());
            }
        }
        missing.forEach((tenant, ids) -> store.vectors(tenant, ids).forEach(batch.vectors::put));
        for (Memory m : batch.memories.values()) {
            if (batch.vectors.get(m.id()) == null) {
                throw new IllegalStateException("the store holds no vector for memory " + m.id());
            }
        }
    }

    /**
     * A user's current facts (no {@code validTo}; expiry is checked when they are used), their
     * vectors, and their profile's version, as last written: read from the store once, then kept
     * up to date by {@link #committed}, so a remember call needs no store read (with Lucene, no
     * searcher refresh) to compare statements and rewrite the profile. Forgets and updates drop it.
     */
    private static final class Known {
        final Map<String, Memory> facts = new LinkedHashMap<>();
        final Map<String, Embedding> vectors = new HashMap<>();
        /** 0 when the user has no profile yet. */
        int profileVersion;
        Instant profileCreated;
    }

    private Known known(Scope user, Instant now) {
        Known k = known.get(user);
        if (k != null) {
            return k;
        }
        k = new Known();
        var filter = new SearchFilter(user, Set.of(Kind.FACT), null, Map.of()).visibleAt(now);
        for (Memory m : store.list(filter, MAX_PROFILE_FACTS)) {
            if (m.validTo() == null) {
                k.facts.put(m.id(), m);
            }
        }
        if (!k.facts.isEmpty()) {
            k.vectors.putAll(store.vectors(user.tenant(), k.facts.keySet()));
        }
        Optional<Memory> profile = store.get(user.tenant(), MemoryIds.profileId(user.tenant(), user.userId()))
                .filter(m -> m.kind() == Kind.PROFILE);
        k.profileVersion = profile.map(Memory::version).orElse(0);
        k.profileCreated = profile.map(Memory::recordedAt).orElse(null);
        known.put(user, k);
        knownFacts += k.facts.size();
        evict(user);
        return k;
    }

    /** Drops what is known of the user: read from the store again at next use. */
    private void forget(Scope user) {
        Known k = known.remove(user);
        if (k != null) {
            knownFacts -= k.facts.size();
        }
    }

    /** Drops the least recently used users while more than {@link #MAX_KNOWN_FACTS} facts are known. */
    private void evict(Scope keep) {
        var it = known.entrySet().iterator();
        while (knownFacts > MAX_KNOWN_FACTS && it.hasNext()) {
            var e = it.next();
            if (e.getKey().equals(keep)) {
                continue;
            }
            knownFacts -= e.getValue().facts.size();
            it.remove();
        }
    }

    /** Memories to write, with their vectors. */
    private static final class Batch {
        final Map<String, Memory> memories = new LinkedHashMap<>();
        final Map<String, Embedding> vectors = new HashMap<>();
        /** Turn id → the turn whose statement closed one of its facts. */
        private final Map<String, String> supersededBy = new LinkedHashMap<>();
        /** Turn id → a turn one of whose facts it closed. */
        private final Map<String, String> supersedes = new LinkedHashMap<>();

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

        List<StoredMemory> stored(ConsolidationConfig consolidation) {
            var out = new ArrayList<StoredMemory>(memories.size());
            for (Memory m : memories.values()) {
                out.add(new StoredMemory(m, vectors.get(m.id()), IndexKeys.keys(List.of(m), consolidation).get(0)));
            }
            return out;
        }
    }
}
