package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loci.spi.MemoryCodec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The codec stores a kind by its position: positions never move, so old records stay readable. */
class KindTest {
    @Test
    void positionsArePinned() {
        assertEquals(List.of(Kind.TURN, Kind.CHUNK, Kind.EPISODE, Kind.FACT, Kind.PROCEDURE, Kind.SESSION, Kind.PROFILE,
                Kind.TOPIC), List.of(Kind.values()), "append new kinds at the end; never reorder");
    }

    @Test
    void levelTwoHoldsSessionsAndTopics() {
        assertEquals(2, Kind.SESSION.level());
        assertEquals(2, Kind.TOPIC.level());
    }

    @Test
    void everyKindRoundTripsThroughTheCodec() {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        for (Kind kind : Kind.values()) {
            var m = Memory.builder().id("id").scope(Scope.user("t", "u")).kind(kind).text("text").occurredAt(t)
                    .recordedAt(t).build();
            assertEquals(m, MemoryCodec.decode(MemoryCodec.encode(m)));
        }
    }
}
