package dev.loci.client;

import dev.loci.testkit.TestEngines;
import dev.loci.Loci;
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
        return TestEngines.inMemory();
    }

    @Override
    protected Loci loci() {
        return engine;
    }
}
