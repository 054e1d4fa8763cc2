package dev.loci.internal;

import dev.loci.Memory;

/**
 * Derives what gets indexed for a memory: the text handed to the embedder and the text BM25
 * indexes. Both carry the speaker name, so "what did Anna say about ..." finds Anna's turns.
 */
final class IndexKeys {
    private IndexKeys() {
    }

    static String embedText(Memory m) {
        return m.speaker() == null ? m.text() : m.speaker() + ": " + m.text();
    }

    static String lexicalText(Memory m) {
        return m.speaker() == null ? m.text() : m.speaker() + " " + m.text();
    }
}
