package dev.loci.springai;

import dev.loci.testkit.TestEngines;
import dev.loci.Loci;
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
        return TestEngines.inMemory();
    }

    @Override
    protected Loci loci() {
        return engine;
    }
}
