package dev.loci.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loci.ContextBlock;
import dev.loci.ForgetResult;
import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.Lifecycle;
import dev.loci.Memory;
import dev.loci.Recalled;
import dev.loci.Scope;
import dev.loci.Signal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LociJsonTest {
    private static final Instant T = Instant.parse("2024-03-02T18:10:00Z");

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void aMemorySurvivesTheRoundTripThroughText(long seed) throws Exception {
        Memory m = randomMemory(new Random(seed));
        String text = LociJson.compact(LociJson.memory(m));
        Memory back = LociJson.readMemory(LociJson.mapper().readTree(text));
        assertEquals(m, back, text);
    }

    @Test
    void aRecalledMemoryCarriesItsScoreAndEachSignal() {
        Memory m = memory("m1", Lifecycle.NONE);
        JsonNode node = LociJson.recalled(new Recalled(m, 0.25,
                List.of(new Signal("bm25", 3, 4.5, 0.01), new Signal("dense", 1, 0.8, 0.02))));
        assertEquals("m1", node.get("id").asText());
        assertEquals(0.25, node.get("score").asDouble());
        assertEquals(3, node.at("/signals/bm25/rank").asInt());
        assertEquals(0.8, node.at("/signals/dense/score").asDouble());
        assertEquals(0.02, node.at("/signals/dense/contribution").asDouble());
        assertFalse(node.has("lifecycle"), "a memory with no lifecycle leaves the field out");
    }

    @Test
    void aContextBlockNamesWhatEachLineShows() {
        var block = new ContextBlock("- Maya: hi", 4, 100, "cl100k",
                List.of(new ContextBlock.Item("e1", List.of("t1", "t2"), ContextBlock.Fidelity.SUMMARY, 0.5)));
        JsonNode node = LociJson.context(block);
        assertEquals("- Maya: hi", node.get("text").asText());
        assertEquals(4, node.get("tokens").asInt());
        assertEquals("cl100k", node.get("encoding").asText());
        assertEquals("SUMMARY", node.at("/items/0/fidelity").asText());
        assertEquals("t2", node.at("/items/0/covers/1").asText());
    }

    @Test
    void aForgetResultCountsTheEpisodesRemovedWithTheMatches() {
        JsonNode node = LociJson.forgotten(new ForgetResult(3, 1, 2, 4));
        assertEquals(3, node.get("deleted").asLong());
        assertEquals(2, node.get("episodesRemoved").asInt());
        assertEquals(5, node.get("totalRemoved").asLong());
    }

    @Test
    void aMalformedMemoryIsRefusedNamingTheField() throws Exception {
        JsonNode node = LociJson.memory(memory("m1", Lifecycle.NONE));
        ((com.fasterxml.jackson.databind.node.ObjectNode) node).put("occurredAt", "yesterday");
        var e = assertThrows(InvalidInputException.class, () -> LociJson.readMemory(node));
        assertEquals("memory.occurredAt", e.field());
        ((com.fasterxml.jackson.databind.node.ObjectNode) node.get("scope")).put("tenant", 7);
        e = assertThrows(InvalidInputException.class, () -> LociJson.readMemory(node));
        assertEquals("memory.scope.tenant", e.field());
        assertTrue(e.getMessage().contains("string"), e.getMessage());
    }

    private static Memory memory(String id, Lifecycle lifecycle) {
        return new Memory(id, Scope.user("acme", "maya"), Kind.TURN, "We adopted a greyhound.", "user", "Maya",
                T, T, T, null, "c1", List.of(), null, List.of(), 1, 0.5, Map.of(), lifecycle);
    }

    private static Memory randomMemory(Random r) {
        Kind kind = Kind.values()[r.nextInt(Kind.values().length)];
        Instant t = T.plusSeconds(r.nextInt(1_000_000));
        Scope scope = new Scope("t" + r.nextInt(3), r.nextBoolean() ? "u" + r.nextInt(5) : null,
                r.nextBoolean() ? "agent" : null, r.nextBoolean() ? "s" + r.nextInt(9) : null);
        Lifecycle life = r.nextBoolean() ? Lifecycle.NONE : new Lifecycle(r.nextInt(9),
                r.nextBoolean() ? t.plusSeconds(60) : null, r.nextBoolean() ? t.plusSeconds(3600) : null,
                r.nextBoolean(), r.nextBoolean() ? "old" : null, r.nextBoolean() ? "new" : null);
        return new Memory("id-" + r.nextLong(), scope, kind, "text \"quoted\" ünïcode 🐕 " + r.nextInt(),
                r.nextBoolean() ? "user" : null, r.nextBoolean() ? "Maya" : null, t, t.plusSeconds(5), t,
                r.nextBoolean() ? t.plusSeconds(99) : null, r.nextBoolean() ? "client-" + r.nextInt() : null,
                r.nextBoolean() ? List.of("a", "b") : List.of(), r.nextBoolean() ? "parent" : null,
                r.nextBoolean() ? List.of("c1", "c2", "c3") : List.of(), 1 + r.nextInt(4), r.nextInt(101) / 100.0,
                r.nextBoolean() ? Map.of("k", "v", "topic", "dogs") : Map.of(), life);
    }
}
