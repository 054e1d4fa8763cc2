package dev.loci.langchain4j;

import dev.loci.testkit.TestEngines;
import dev.loci.Loci;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The adapters on an embedded engine (hashing embedder, in-memory store: the model is not the point here). */
class EmbeddedLangChain4jTest extends LangChain4jAdapterContract {
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
