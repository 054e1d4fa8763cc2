package dev.loci.langchain4j;

import dev.loci.Loci;
import dev.loci.engine.LociEngine;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.InMemoryStore;
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
        return LociEngine.builder().embedder(new HashingEmbedder()).store(new InMemoryStore()).build();
    }

    @Override
    protected Loci loci() {
        return engine;
    }
}
