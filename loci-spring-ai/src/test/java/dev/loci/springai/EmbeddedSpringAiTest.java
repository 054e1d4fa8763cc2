package dev.loci.springai;

import dev.loci.Loci;
import dev.loci.engine.LociEngine;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.InMemoryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Spring AI adapters over an embedded engine (hashing embedder, in-memory store). */
class EmbeddedSpringAiTest extends SpringAiAdapterContract {
    static Loci engine;

    @BeforeAll
    static void open() {
        engine = fakeEngine();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static Loci fakeEngine() {
        return LociEngine.builder().embedder(new HashingEmbedder()).store(new InMemoryStore()).build();
    }

    @Override
    protected Loci loci() {
        return engine;
    }
}
