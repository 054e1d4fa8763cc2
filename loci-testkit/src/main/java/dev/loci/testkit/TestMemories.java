package dev.loci.testkit;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.spi.Embedder;
import dev.loci.spi.StoredMemory;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builders for memories in tests. */
public final class TestMemories {
    private TestMemories() {
    }

    public static Memory turn(String id, Scope scope, String speaker, String text, Instant at) {
        return new Memory(id, scope, Kind.TURN, text, "user", speaker, at, at, at, null, null, List.of(), null,
                List.of(), 1, 0.5, Map.of());
    }

    public static Memory withKindAndMeta(Memory m, Kind kind, Map<String, String> metadata) {
        return new Memory(m.id(), m.scope(), kind, m.text(), m.role(), m.speaker(), m.occurredAt(), m.recordedAt(),
                m.validFrom(), m.validTo(), m.clientId(), m.sourceIds(), m.parentId(), m.childIds(), m.version(),
                m.importance(), metadata);
    }

    public static StoredMemory stored(Memory m, Embedder embedder) {
        return new StoredMemory(m, embedder.embedDocuments(List.of(m.text())).get(0), m.text());
    }
}
