package dev.loci.internal.util;

import dev.loci.ConsolidationConfig;
import dev.loci.Memory;
import java.util.ArrayList;
import java.util.List;

/**
 * Derives what gets indexed for a memory: the text handed to the embedder and the text BM25
 * indexes. Both carry the speaker name, so "what did Anna say about ..." finds Anna's turns. With
 * context keys on, a turn's BM25 keys add the dates it names in words ({@link DateKeys}) and the
 * start of the turn before it. Stateless.
 */
public final class IndexKeys {
    private IndexKeys() {
    }

    public static String embedText(Memory m) {
        return m.speaker() == null ? m.text() : m.speaker() + ": " + m.text();
    }

    public static String lexicalText(Memory m) {
        return m.speaker() == null ? m.text() : m.speaker() + " " + m.text();
    }

    /** BM25 keys of turns remembered together, in order: each is keyed with the turn before it. */
    public static List<String> keys(List<Memory> turns, ConsolidationConfig config) {
        return keys(turns, config, null);
    }

    /**
     * As {@link #keys(List, ConsolidationConfig)}, the first turn keyed with {@code previous}: the
     * turn said just before it in the same scope, remembered by an earlier call, or null.
     */
    public static List<String> keys(List<Memory> turns, ConsolidationConfig config, Memory previous) {
        List<String> keys = new ArrayList<>(turns.size());
        for (int i = 0; i < turns.size(); i++) {
            keys.add(lexicalKeys(turns, i, config, previous));
        }
        return keys;
    }

    private static String lexicalKeys(List<Memory> turns, int i, ConsolidationConfig config, Memory previous) {
        Memory m = turns.get(i);
        String base = IndexKeys.lexicalText(m);
        if (!config.contextKeys()) {
            return base;
        }
        var sb = new StringBuilder(base).append('\n').append(DateKeys.keys(m.text(), m.occurredAt()));
        Memory before = i > 0 ? turns.get(i - 1) : previous;
        if (before != null && config.contextChars() > 0) {
            String prev = IndexKeys.lexicalText(before);
            sb.append('\n').append(prev, 0, Math.min(prev.length(), config.contextChars()));
        }
        return sb.toString();
    }
}
