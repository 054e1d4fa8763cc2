package dev.loci.testkit;

import dev.loci.Kind;
import dev.loci.Lifecycle;
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
        return Memory.builder().id(id).scope(scope).kind(Kind.TURN).text(text).role("user").speaker(speaker)
                .occurredAt(at).recordedAt(at).build();
    }

    public static Memory withKindAndMeta(Memory m, Kind kind, Map<String, String> metadata) {
        return m.toBuilder().kind(kind).metadata(metadata).lifecycle(Lifecycle.NONE).build();
    }

    public static StoredMemory stored(Memory m, Embedder embedder) {
        return new StoredMemory(m, embedder.embedDocuments(List.of(m.text())).get(0), m.text());
    }
}
