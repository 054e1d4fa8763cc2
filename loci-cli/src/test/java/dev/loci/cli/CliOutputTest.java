package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Clipping text for the recall table. */
class CliOutputTest {
    @Test
    void shortTextIsKeptOnOneLine() {
        assertEquals("line one line two", Output.clip("line one\nline two", 40));
    }

    @Test
    void longTextIsCutToTheWidthWithAnEllipsis() {
        String clipped = Output.clip("abcdefghij", 5);
        assertEquals("abcd…", clipped);
        assertEquals(5, clipped.length());
    }

    @Test
    void textOfExactlyTheWidthIsNotCut() {
        assertEquals("abcde", Output.clip("abcde", 5));
    }

    @Test
    void clippingNeverCutsACharacterInHalf() {
        // "🐕" is two UTF-16 chars; a cut between them would print a broken character.
        assertEquals("dog …", Output.clip("dog 🐕🐕🐕 walk", 6));
        assertEquals("dog 🐕…", Output.clip("dog 🐕🐕🐕 walk", 7));
    }
}
