package dev.loci.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loci.InvalidInputException;
import org.junit.jupiter.api.Test;

class JtokkitTokenCounterTest {
    @Test
    void countsTheWayTheModelsTokenizerDoes() {
        var cl100k = JtokkitTokenCounter.cl100k();
        assertEquals("cl100k_base", cl100k.name());
        assertEquals(2, cl100k.count("hello world"));
        assertEquals(0, cl100k.count(""));
        assertEquals(JtokkitTokenCounter.named("cl100k").count("Biscuit the greyhound"),
                JtokkitTokenCounter.named("cl100k_base").count("Biscuit the greyhound"));
        var o200k = JtokkitTokenCounter.named("O200K");
        assertEquals("o200k_base", o200k.name());
        assertEquals(2, o200k.count("hello world"));
    }

    @Test
    void anUnknownEncodingIsNamed() {
        var e = assertThrows(InvalidInputException.class, () -> JtokkitTokenCounter.named("p50k"));
        assertEquals("encoding", e.field());
    }
}
