package dev.loci.internal.facts;

import static dev.loci.internal.facts.FactRecords.ATTRIBUTE;
import static dev.loci.internal.facts.FactRecords.SUBJECT;
import static dev.loci.internal.facts.FactRecords.TURN;
import static dev.loci.internal.facts.FactRecords.statementOf;
import static dev.loci.internal.facts.FactRecords.userOf;
import static dev.loci.internal.facts.FactRecords.withSources;

import dev.loci.ConsolidationConfig;
import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.internal.util.Backoff;
import dev.loci.internal.util.WriteConflicts;
import dev.loci.spi.ConditionalWrite;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SharedStore;
import dev.loci.spi.StoredMemory;
import dev.loci.spi.VersionedMemory;
import dev.loci.spi.WriteConflictException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Profiles over a {@link SharedStore}, where another process may consolidate the same user's
 * statements at the same moment. A user's PROFILE is the version of their facts: every call that
 * changes a user's facts rewrites it, so it is written <em>last</em> (after the facts and turns)
 * and only if it is still the version read before the facts were ({@link KnownFacts.UserFacts#profileRead}).
 * Of two calls that read the same facts, one commits; the other gets a conflict and then:
 * <ol>
 *   <li>waits a random moment (jitter, growing with each attempt, at most {@link #MAX_BACKOFF_MS} ms);</li>
 *   <li>reads the profile's version and the user's current facts again: they now hold what the
 *       winner wrote, and this call's own facts (written before its profile);</li>
 *   <li><em>settles</em> them: the current facts are replayed in the order they were said, as
 *       consolidation would have met them one after the other, so a statement the two calls could
 *       not compare (two current facts the {@link Supersession} rule says contradict) closes the
 *       earlier one, and the same claim made twice reinforces the first instead of standing as a
 *       copy; a fact both calls closed with their own statement (each rewrote it, the last write
 *       won) is closed again by the one said first; the facts and turns that change are written;</li>
 *   <li>rebuilds the profile from the settled facts and writes it if its version is still the one
 *       just read; another conflict starts again, at most {@link #MAX_ATTEMPTS} attempts in all.</li>
 * </ol>
 * Why this converges: a profile commits only if no other profile committed since its facts were
 * read, and a writer's facts are stored before its profile, so the last commit was built on every
 * fact written by a call that committed before; a call that lost settles on a view that holds the
 * winner's facts. After {@link #MAX_ATTEMPTS} conflicts in a row the call gives up with a warning:
 * its facts are stored and the user's next fact change settles them.
 *
 * <p>A profile records which current facts it was built from ({@link FactRecords#BUILT_FROM}).
 * A call that finds the user's current facts differ from those (another call stored its facts and
 * then stopped, or gave up, before its profile) settles them with its own before its first write,
 * as after a conflict: so facts stored without their profile stay unsettled only until the user's
 * next fact change, whatever its subject. Not thread-safe: called
 * under the lock that guards {@link KnownFacts}.
 */
final class SharedProfiles {
    /** Attempts to commit one profile, the first included. */
    static final int MAX_ATTEMPTS = 8;
    /** Longest wait between two attempts. */
    static final long MAX_BACKOFF_MS = 200;
    private static final System.Logger LOG = System.getLogger(SharedProfiles.class.getName());

    private final MemoryStore store;
    private final SharedStore shared;
    private final Supersession rule;
    private final ConsolidationConfig consolidation;
    private final KnownFacts known;
    private final ProfileBuilder profiles;
    private final FactConsolidator consolidator;
    /** The stored facts rewritten by the current call, written before the profiles. */
    private final FactRewrites rewrites;
    /** Counts the profile writes refused and redone. */
    private final WriteConflicts conflicts;
    /** Profiles of the current call, held back until its other records are written. */
    private final Map<Scope, Pending> pending = new LinkedHashMap<>();

    /**
     * @param unsettled the user's facts were found stored without their profile, or one of them met
     *                  a conflict when it was rewritten: settle before writing
     */
    private record Pending(StoredMemory profile, VersionedMemory read, Instant now, boolean unsettled) {
    }

    SharedProfiles(MemoryStore store, Supersession rule, ConsolidationConfig consolidation, KnownFacts known,
                   ProfileBuilder profiles, FactConsolidator consolidator, FactRewrites rewrites,
                   WriteConflicts conflicts) {
        this.conflicts = conflicts;
        this.rewrites = rewrites;
        this.store = store;
        this.shared = (SharedStore) store;
        this.rule = rule;
        this.consolidation = consolidation;
        this.known = known;
        this.profiles = profiles;
        this.consolidator = consolidator;
    }

    /**
     * The records to write now: {@code all} without its profiles, which are held back (each with
     * the version read with its user's facts) until {@link #commit}, nor the stored facts
     * {@code batch} rewrote, held back likewise ({@link FactRewrites#holdBack}).
     */
    List<StoredMemory> holdBack(List<StoredMemory> all, FactBatch batch, Instant now) {
        pending.clear();
        all = rewrites.holdBack(all, batch);
        var out = new ArrayList<StoredMemory>(all.size());
        for (StoredMemory r : all) {
            Memory m = r.memory();
            Optional<Scope> user = m.kind() == Kind.PROFILE ? userOf(m.scope()) : Optional.empty();
            if (user.isPresent()) {
                KnownFacts.UserFacts k = known.of(user.get(), now);
                pending.put(user.get(), new Pending(r, k.profileRead, now, k.unsettled));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Once the rest is written: writes the held-back facts, each if unchanged (made again on the
     * stored version after a conflict, {@link FactRewrites#commit}), then each held-back profile if
     * unchanged, settling after a conflict (and first, for a user whose facts met one). A failed
     * profile write is logged, not thrown: the turns and facts are stored already (a retry of the
     * call would find them there and do nothing), and the user's next fact change writes the
     * profile again from the store.
     */
    void commit() {
        try {
            Set<Scope> raced = rewrites.commit();
            for (var e : pending.entrySet()) {
                if (raced.contains(e.getKey()) && !e.getValue().unsettled()) {
                    Pending p = e.getValue();
                    e.setValue(new Pending(p.profile(), p.read(), p.now(), true));
                }
            }
            for (var e : pending.entrySet()) {
                try {
                    commit(e.getKey(), e.getValue());
                } catch (RuntimeException ex) {
                    LOG.log(System.Logger.Level.WARNING, "writing the profile of " + e.getKey() + " failed; its facts"
                            + " are stored and the profile is written again at the user's next fact change", ex);
                }
            }
        } finally {
            pending.clear();
        }
    }

    /**
     * A call that changes none of the user's facts (a remember without a statement) checks that
     * their profile was built from their current facts (cheaply, {@link KnownFacts#unsettled}) and,
     * if not (a server stored facts and stopped, or gave up, before its profile), settles them and
     * writes the profile as after a conflict. A failure is logged, not thrown: the call's turns are
     * stored, and the next call of the user checks again.
     */
    void settleIfUnsettled(Scope user, Instant now) {
        try {
            if (!known.unsettled(user, now)) {
                return;
            }
            known.drop(user);
            KnownFacts.UserFacts k = known.of(user, now);
            commit(user, new Pending(null, k.profileRead, now, true));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "settling the facts of " + user + " failed; the user's next call"
                    + " settles them", e);
        }
    }

    private void commit(Scope user, Pending p) {
        StoredMemory profile = p.profile();
        VersionedMemory read = p.read();
        // facts stored without their profile: settle them with this call's before the first write
        boolean settleFirst = p.unsettled();
        for (int attempt = 1; ; attempt++) {
            if (!settleFirst) {
                try {
                    shared.writeIf(List.of(ConditionalWrite.over(profile, read)));
                    return;
                } catch (WriteConflictException e) {
                    conflicts.refused(Kind.PROFILE);
                    if (attempt == MAX_ATTEMPTS || !backOff(attempt)) {
                        LOG.log(System.Logger.Level.WARNING, "the profile of {0} changed {1} times while this server"
                                + " wrote it; its facts are stored and settle at the user''s next fact change", user,
                                attempt);
                        return;
                    }
                    conflicts.retried(Kind.PROFILE);
                }
            }
            settleFirst = false;
            known.drop(user);
            KnownFacts.UserFacts k = known.of(user, p.now());
            read = k.profileRead;
            FactBatch batch = settle(user, k, p.now());
            Optional<Memory> rebuilt = profiles.profile(user, batch, p.now());
            if (rebuilt.isEmpty()) {
                return; // no current fact left: nothing to show
            }
            batch.memories.put(rebuilt.get().id(), rebuilt.get());
            profile = null;
            var rest = new ArrayList<StoredMemory>();
            for (StoredMemory r : batch.stored(consolidation)) {
                if (r.memory().id().equals(rebuilt.get().id())) {
                    profile = r;
                } else {
                    rest.add(r);
                }
            }
            store.write(rewrites.holdBack(rest, batch));
            if (!rewrites.commit().isEmpty() && attempt < MAX_ATTEMPTS) {
                // a fact changed while it was settled (made again on its new version): settle again on what is stored
                settleFirst = true;
            }
        }
    }

    /** Waits before the next attempt (see {@link Backoff}). False if interrupted. */
    private static boolean backOff(int attempt) {
        return Backoff.pause(attempt, MAX_BACKOFF_MS);
    }

    /**
     * The user's current facts replayed in the order they were said (event time, then id): each
     * meets the ones still current before it on its subject and attribute. The same claim again is
     * folded into the first (its turns added to the first's sources, the copy deleted); a later
     * statement the rule says contradicts an earlier one closes it, and the two and their turns are
     * linked. What changed is put in the batch (vectors filled), the copies are deleted.
     */
    private FactBatch settle(Scope user, KnownFacts.UserFacts k, Instant now) {
        var batch = new FactBatch();
        String tenant = user.tenant();
        List<Memory> current = k.facts.values().stream().filter(m -> m.validTo() == null && known.current(m, now))
                .sorted(Comparator.comparing(Memory::occurredAt).thenComparing(Memory::id)).toList();
        // each fact settled is rewritten only if unchanged since this read (FactRewrites): one round trip
        rewrites.read(tenant, current.stream().map(Memory::id).toList(), batch);
        Map<String, List<Memory>> bySubject = new LinkedHashMap<>();
        List<Memory> copies = new ArrayList<>();
        for (Memory said : current) {
            Memory f = said;
            List<Memory> before = bySubject.computeIfAbsent(f.metadata().get(SUBJECT) + "\u0000"
                    + f.metadata().get(ATTRIBUTE), x -> new ArrayList<>());
            int same = -1;
            for (int i = 0; i < before.size() && same < 0; i++) {
                if (FactConsolidator.sameClaim(statementOf(before.get(i)), statementOf(f))) {
                    same = i;
                }
            }
            if (same >= 0) {
                Memory first = before.get(same);
                Memory copy = f;
                before.set(same, folded(first, copy, now));
                rewrites.rewrite(tenant, first.id(), batch, () -> first, k.vectors.get(first.id()),
                        (m, added) -> m == null ? null : folded(m, copy, now));
                copies.add(f);
                continue;
            }
            for (Memory earlier : List.copyOf(before)) {
                if (rule.decide(statementOf(earlier), statementOf(f), similarity(k, earlier, f)).supersedes()) {
                    before.remove(earlier);
                    rewrites.rewrite(tenant, earlier.id(), batch, () -> earlier, k.vectors.get(earlier.id()),
                            FactConsolidator.closing(f.occurredAt(), f.id()));
                    batch.link(earlier.metadata().get(TURN), f.metadata().get(TURN));
                    f = f.withLifecycle(f.lifecycle().withSupersedes(earlier.id()));
                    String closedId = earlier.id();
                    rewrites.rewrite(tenant, f.id(), batch, () -> said, k.vectors.get(f.id()),
                            (m, added) -> m == null ? null : m.withLifecycle(m.lifecycle().withSupersedes(closedId)));
                }
            }
            before.add(f);
        }
        reclose(user, k, current, batch, copies);
        // the profile is built from what is kept: a copy folded away is no longer a current fact
        copies.forEach(c -> {
            k.facts.remove(c.id());
            k.vectors.remove(c.id());
        });
        if (!batch.memories.isEmpty()) {
            consolidator.linkStoredTurns(user.tenant(), batch, Set.of());
            batch.fillVectors(store);
        }
        for (Memory c : copies) {
            store.delete(c.scope().tenant(), c.id());
        }
        return batch;
    }

    /**
     * Facts closed by a later statement than the first one that contradicts them: two calls that
     * each closed the same current fact (each with its own statement) rewrote it whole, and the
     * last write won, which may be the later-said statement's. In the order said, the first later
     * statement on its subject and attribute that contradicts a fact closes it: such facts are
     * closed again by that one, as of when it was said, and their turns linked to its turn. Only
     * facts closed by a fact that was current when settling began, for one that was current too
     * (so a statement that arrived after a later one and was stored closed changes nothing, as in
     * one process).
     */
    private void reclose(Scope user, KnownFacts.UserFacts k, List<Memory> current, FactBatch batch,
                         List<Memory> copies) {
        Set<String> wasCurrent = new HashSet<>();
        current.forEach(f -> wasCurrent.add(f.id()));
        Set<String> gone = new HashSet<>();
        copies.forEach(c -> gone.add(c.id()));
        Map<String, Memory> all = new LinkedHashMap<>();
        for (Memory m : store.list(new SearchFilter(user, Set.of(Kind.FACT), null, Map.of()),
                KnownFacts.MAX_PROFILE_FACTS)) {
            if (!gone.contains(m.id())) {
                all.put(m.id(), batch.memories.getOrDefault(m.id(), m));
            }
        }
        batch.memories.values().stream().filter(m -> m.kind() == Kind.FACT && !gone.contains(m.id()))
                .forEach(m -> all.put(m.id(), m));
        Map<String, List<Memory>> bySubject = new LinkedHashMap<>();
        all.values().stream().sorted(Comparator.comparing(Memory::occurredAt).thenComparing(Memory::id))
                .forEach(f -> bySubject.computeIfAbsent(f.metadata().get(SUBJECT) + "\u0000"
                        + f.metadata().get(ATTRIBUTE), x -> new ArrayList<>()).add(f));
        for (List<Memory> said : bySubject.values()) {
            for (int i = 0; i < said.size(); i++) {
                Memory closed = said.get(i);
                String byId = closed.lifecycle().supersededBy();
                Memory by = byId == null || !wasCurrent.contains(byId) ? null : all.get(byId);
                if (closed.validTo() == null || by == null) {
                    continue;
                }
                Embedding vector = null;
                for (int j = i + 1; j < said.size() && said.get(j).occurredAt().isBefore(by.occurredAt()); j++) {
                    Memory between = said.get(j);
                    if (!wasCurrent.contains(between.id())) {
                        continue;
                    }
                    if (vector == null) {
                        vector = store.vectors(user.tenant(), List.of(closed.id())).get(closed.id());
                    }
                    double sim = cosine(vector, k.vectors.get(between.id()));
                    if (rule.decide(statementOf(closed), statementOf(between), sim).supersedes()) {
                        rewrites.rewrite(user.tenant(), closed.id(), batch, () -> closed, vector,
                                FactConsolidator.closing(between.occurredAt(), between.id()));
                        batch.link(closed.metadata().get(TURN), between.metadata().get(TURN));
                        break;
                    }
                }
            }
        }
    }

    private static double cosine(Embedding a, Embedding b) {
        return a == null || b == null ? 0 : Math.max(-1, Math.min(1, a.dot(b)));
    }

    /** The first fact reinforced by a copy of its claim: the copy's turns join its sources. */
    private static Memory folded(Memory first, Memory copy, Instant now) {
        var sources = new ArrayList<>(first.sourceIds());
        var children = new ArrayList<>(first.childIds());
        for (String s : copy.sourceIds()) {
            if (!sources.contains(s)) {
                sources.add(s);
                children.add(s);
            }
        }
        return withSources(first, sources, children, Math.min(1.0, first.importance() + FactConsolidator.REINFORCEMENT),
                first.lifecycle().accessed(now));
    }

    private static double similarity(KnownFacts.UserFacts k, Memory a, Memory b) {
        Embedding va = k.vectors.get(a.id());
        Embedding vb = k.vectors.get(b.id());
        return va == null || vb == null ? 0 : Math.max(-1, Math.min(1, va.dot(vb)));
    }
}
