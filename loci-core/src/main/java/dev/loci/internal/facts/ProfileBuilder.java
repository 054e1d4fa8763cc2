package dev.loci.internal.facts;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.internal.util.MemoryIds;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a user's PROFILE (one per user, at {@link MemoryIds#profileId}) from their current facts,
 * this call's changes included: the text is {@link ProfileText}'s, the version the next after the
 * stored one, and the vector the normalised mean of the facts' vectors (no embedding). Over a
 * shared store it also records which facts it was built from ({@link FactRecords#BUILT_FROM}). Not
 * thread-safe: called under the lock that guards {@link KnownFacts}.
 */
final class ProfileBuilder {
    private final MemoryStore store;
    private final KnownFacts known;

    ProfileBuilder(MemoryStore store, KnownFacts known) {
        this.store = store;
        this.known = known;
    }

    /**
     * The user's profile over their current facts (the batch's included), its vector put in the
     * batch; empty when they have none.
     */
    Optional<Memory> profile(Scope user, FactBatch batch, Instant now) {
        String id = MemoryIds.profileId(user.tenant(), user.userId());
        KnownFacts.UserFacts k = known.of(user, now);
        var facts = new LinkedHashMap<String, Memory>(k.facts);
        for (Memory m : batch.memories.values()) {
            if (m.kind() == Kind.FACT && user.covers(m.scope())) {
                facts.put(m.id(), m);
            }
        }
        List<Memory> current = facts.values().stream().filter(m -> known.current(m, now))
                .sorted(Comparator.comparing(Memory::occurredAt).thenComparing(Memory::id)).toList();
        if (current.isEmpty()) {
            return Optional.empty();
        }
        Memory profile = ProfileText.profile(id, user, current, k.profileVersion + 1,
                k.profileCreated != null ? k.profileCreated : now, now);
        if (known.shared()) {
            profile = profile.toBuilder().metadata(Map.of(FactRecords.BUILT_FROM, FactRecords.factSet(current))).build();
        }
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
}
