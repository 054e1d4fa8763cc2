package dev.loci.eval;

import dev.loci.engine.LociEngine;
import dev.loci.Loci;
import dev.loci.LociConfig;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.InMemoryStore;
import dev.loci.testkit.ManualClock;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;

/** The test fixtures (invented text in the benchmarks' formats) and a Loci on the testkit fakes. */
final class Fixtures {
    static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    private Fixtures() {
    }

    static Path path(String name) {
        var url = Fixtures.class.getResource("/fixtures/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no test fixture " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loci's default configuration on a hashing embedder, an in-memory store and a still clock. */
    static LociEngine fakes(long seed) {
        return LociEngine.builder().embedder(new HashingEmbedder()).store(new InMemoryStore()).clock(new ManualClock(T0))
                .random(new Random(seed)).config(LociConfig.defaults()).build();
    }

    static LociFactory fakeFactory() {
        return dataDir -> fakes(7);
    }
}
