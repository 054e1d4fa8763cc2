package dev.loci.eval;

import dev.loci.engine.LociEngine;
import dev.loci.Loci;
import dev.loci.LociConfig;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.InMemoryStore;
import dev.loci.testkit.ManualClock;
import java.time.Instant;
import java.util.Random;

/** Engines on the testkit fakes with index keys and episodes off, for BM25 ranks worked out by hand. */
final class Fakes {
    private Fakes() {
    }

    /** Turns indexed with their own text only (no episodes, no keys), so BM25 ranks can be worked out by hand. */
    static LociFactory plain() {
        LociConfig d = LociConfig.defaults();
        return dir -> open(d.withConsolidation(d.consolidation().withEpisodes(false).withContextKeys(false)));
    }

    private static LociEngine open(LociConfig config) {
        return LociEngine.builder().embedder(new HashingEmbedder()).store(new InMemoryStore())
                .clock(new ManualClock(Instant.parse("2024-01-01T00:00:00Z"))).random(new Random(7)).config(config)
                .build();
    }
}
