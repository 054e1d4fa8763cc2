package dev.loci.client;

import dev.loci.Loci;
import dev.loci.engine.LociEngine;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.InMemoryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The behaviour contract against the embedded engine itself (testkit fakes): the reference. */
class EmbeddedBehaviourTest extends LociBehaviourContract {
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
