package dev.loci.spi;

import dev.loci.Memory;
import java.util.Objects;

/**
 * What a store writes: the memory, its vector, and the text BM25 indexes (the memory text plus
 * derived keys such as speaker or resolved dates; never shown to users).
 */
public record StoredMemory(Memory memory, Embedding embedding, String indexText) {
    public StoredMemory {
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(embedding, "embedding");
        Objects.requireNonNull(indexText, "indexText");
    }
}
