package dev.loci;

import dev.loci.engine.LociEngine;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.InMemoryStore;
import dev.loci.testkit.ManualClock;
import java.time.Instant;
import java.util.Random;

/** A {@link LociEngine} on the testkit fakes, with the fakes at hand for inspection. */
record Rig(LociEngine loci, HashingEmbedder embedder, InMemoryStore store, ManualClock clock) {
    static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    /**
     * Flat turns only (no episodes, no date or context keys, no routing): these tests pin the
     * semantics of ingest and fusion; consolidation and routing have tests of their own.
     */
    static LociConfig flat() {
        LociConfig d = LociConfig.defaults();
        return d.withConsolidation(d.consolidation().withEpisodes(false).withContextKeys(false).withFacts(false))
                .withRecall(d.recall().flat());
    }

    static Rig create(long seed) {
        return create(seed, flat());
    }

    static Rig create(long seed, LociConfig config) {
        var embedder = new HashingEmbedder();
        var store = new InMemoryStore();
        var clock = new ManualClock(T0);
        var loci = LociEngine.builder().embedder(embedder).store(store).clock(clock).random(new Random(seed))
                .config(config).build();
        return new Rig(loci, embedder, store, clock);
    }
}
