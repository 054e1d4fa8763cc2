package dev.loci.internal.facts;

import static dev.loci.internal.facts.FactRecords.userOf;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.internal.util.MemoryIds;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SharedStore;
import dev.loci.spi.StoredMemory;
import dev.loci.spi.VersionedMemory;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Users' current facts as last written, kept in memory so a remember call compares statements and
 * rewrites the profile without reading the store (with Lucene, without a searcher refresh). Each
 * user's are read from the store once ({@link #of}), then kept up to date with what is written
 * ({@link #rememberCurrentFacts}); forgets and updates {@link #drop} them. Bounded: at most
 * {@value #MAX_KNOWN_FACTS} facts across users, the least recently used users dropped first. Not
 * thread-safe: callers guard it with one lock (the engine's rewrite lock).
 */
final class KnownFacts {
    /** Most facts kept in memory across users; the least recently used users go first. */
    static final int MAX_KNOWN_FACTS = 20_000;
    /** Most current facts a profile is built from (the oldest first when a user has more). */
    static final int MAX_PROFILE_FACTS = 10_000;

    /**
     * A user's current facts (no {@code validTo}; expiry is checked when they are used), their
     * vectors, and their profile's version, as last written.
     */
    static final class UserFacts {
        final Map<String, Memory> facts = new LinkedHashMap<>();
        final Map<String, Embedding> vectors = new HashMap<>();
        /** 0 when the user has no profile yet. */
        int profileVersion;
        Instant profileCreated;
        /**
         * Over a {@link SharedStore}: the profile as read, with its store version, before the facts
         * were listed (null when there was none). A profile written only if it is still this one
         * was built on every fact of every write that committed a profile before.
         */
        VersionedMemory profileRead;
        /**
         * Over a {@link SharedStore}: the current facts as read are not the ones the stored profile
         * was built from ({@link FactRecords#BUILT_FROM}), so another call stored facts without
         * settling them and writing their profile (a server stopped between the two, or one that
         * gave up): this call settles them before it writes the profile.
         */
        boolean unsettled;
    }

    private final MemoryStore store;
    /** Other processes write the store: see {@link #current}. */
    private final boolean shared;
    /** Least recently used first. */
    private final LinkedHashMap<Scope, UserFacts> byUser = new LinkedHashMap<>(16, 0.75f, true);
    private int count;

    KnownFacts(MemoryStore store) {
        this.store = store;
        this.shared = store instanceof SharedStore;
    }

    /** Whether other processes write the store. */
    boolean shared() {
        return shared;
    }

    /**
     * Whether a fact counts as current at {@code now}: not closed and not expired by then, and
     * recorded by then. Over a {@link SharedStore} the last condition is dropped: another server
     * may record a fact after this call began (or by a clock a little ahead of this one's), and a
     * consolidation must build on every fact stored, not only on those recorded before its own
     * start.
     */
    boolean current(Memory fact, Instant now) {
        return shared ? (fact.validTo() == null || now.isBefore(fact.validTo())) && !fact.lifecycle().expiredAt(now)
                : fact.visibleAt(now);
    }

    /** The user's current facts: kept ones, else read from the store (and kept). */
    UserFacts of(Scope user, Instant now) {
        UserFacts k = byUser.get(user);
        if (k != null) {
            return k;
        }
        k = new UserFacts();
        String profileId = MemoryIds.profileId(user.tenant(), user.userId());
        Optional<Memory> profile;
        if (store instanceof SharedStore shared) {
            // the version first, then the facts: whoever commits a profile after this read wrote its facts before
            k.profileRead = shared.readVersioned(user.tenant(), List.of(profileId)).get(profileId);
            profile = Optional.ofNullable(k.profileRead).map(VersionedMemory::memory);
        } else {
            profile = Optional.empty();
        }
        var all = new SearchFilter(user, Set.of(Kind.FACT), null, Map.of());
        var filter = shared ? all : all.visibleAt(now);
        for (Memory m : store.list(filter, MAX_PROFILE_FACTS)) {
            if (m.validTo() == null && current(m, now)) {
                k.facts.put(m.id(), m);
            }
        }
        if (!k.facts.isEmpty()) {
            k.vectors.putAll(store.vectors(user.tenant(), k.facts.keySet()));
        }
        if (!(store instanceof SharedStore)) {
            profile = store.get(user.tenant(), profileId);
        }
        profile = profile.filter(m -> m.kind() == Kind.PROFILE);
        if (shared) {
            List<Memory> current = k.facts.values().stream().filter(m -> current(m, now)).toList();
            k.unsettled = profile.isEmpty() ? !current.isEmpty()
                    : !FactRecords.factSet(current).equals(profile.get().metadata().get(FactRecords.BUILT_FROM));
        }
        k.profileVersion = profile.map(Memory::version).orElse(0);
        k.profileCreated = profile.map(Memory::recordedAt).orElse(null);
        byUser.put(user, k);
        count += k.facts.size();
        evict(user);
        return k;
    }

    /**
     * Over a {@link SharedStore}: whether the user's current facts differ from those their profile
     * was built from ({@link FactRecords#BUILT_FROM}; facts and no profile count too), read from the
     * store without keeping anything: one real-time read of the profile and one listing of the
     * facts, no vectors. False over a store that is not shared.
     */
    boolean unsettled(Scope user, Instant now) {
        if (!(store instanceof SharedStore sharedStore)) {
            return false;
        }
        String profileId = MemoryIds.profileId(user.tenant(), user.userId());
        Optional<Memory> profile = Optional.ofNullable(sharedStore.readVersioned(user.tenant(), List.of(profileId))
                .get(profileId)).map(VersionedMemory::memory).filter(m -> m.kind() == Kind.PROFILE);
        List<Memory> current = store.list(new SearchFilter(user, Set.of(Kind.FACT), null, Map.of()), MAX_PROFILE_FACTS)
                .stream().filter(m -> m.validTo() == null && current(m, now)).toList();
        return profile.isEmpty() ? !current.isEmpty()
                : !FactRecords.factSet(current).equals(profile.get().metadata().get(FactRecords.BUILT_FROM));
    }

    /** The kept vector of a fact; null when its user's facts are not kept or it is not among them. */
    Embedding vector(Memory fact) {
        UserFacts k = userOf(fact.scope()).map(byUser::get).orElse(null);
        return k == null ? null : k.vectors.get(fact.id());
    }

    /**
     * Brings the kept facts of the users concerned up to date with records just written: current
     * facts are added, closed ones removed, the profile's version noted. Users not kept are left
     * to be read from the store at next use.
     */
    void rememberCurrentFacts(List<StoredMemory> written) {
        for (StoredMemory r : written) {
            Memory m = r.memory();
            UserFacts k = userOf(m.scope()).map(byUser::get).orElse(null);
            if (k == null) {
                continue;
            }
            if (m.kind() == Kind.PROFILE) {
                k.profileVersion = m.version();
                k.profileCreated = m.recordedAt();
            } else if (m.kind() == Kind.FACT && m.validTo() == null) {
                if (k.facts.put(m.id(), m) == null) {
                    count++;
                }
                k.vectors.put(m.id(), r.embedding());
            } else if (m.kind() == Kind.FACT && k.facts.remove(m.id()) != null) {
                k.vectors.remove(m.id());
                count--;
            }
        }
        evict(null);
    }

    /** Drops what is kept of the user: read from the store again at next use. */
    void drop(Scope user) {
        UserFacts k = byUser.remove(user);
        if (k != null) {
            count -= k.facts.size();
        }
    }

    /** Drops every user's kept facts: each is read from the store again at next use. */
    void clear() {
        byUser.clear();
        count = 0;
    }

    /** Drops the least recently used users (but {@code keep}) while more than {@link #MAX_KNOWN_FACTS} are kept. */
    private void evict(Scope keep) {
        var it = byUser.entrySet().iterator();
        while (count > MAX_KNOWN_FACTS && it.hasNext()) {
            var e = it.next();
            if (e.getKey().equals(keep)) {
                continue;
            }
            count -= e.getValue().facts.size();
            it.remove();
        }
    }
}
