package dev.loci.testkit;

import dev.loci.engine.LociEngine;

/** Engines for tests that need the real engine but not a model or a disk. */
public final class TestEngines {
    private TestEngines() {
    }

    /** The engine with default settings over a {@link HashingEmbedder} and an {@link InMemoryStore}. */
    public static LociEngine inMemory() {
        return LociEngine.builder().embedder(new HashingEmbedder()).store(new InMemoryStore()).build();
    }
}
