package dev.loci.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loci.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class OptionsTest {
    private static void assertRejected(String field, Executable create) {
        assertEquals(field, assertThrows(InvalidInputException.class, create).field());
    }

    @Test
    void locomoDefaultsAreTheDocumentedOnes() {
        var o = LocomoBenchmark.Options.defaults();
        assertEquals(new LocomoBenchmark.Options(false, true, List.of(1, 5, 10, 20), 100, 1000, List.of(1000, 2000)), o);
        assertEquals(true, o.withAdversarial(true).includeAdversarial());
        assertEquals(false, o.withCaptions(false).captions());
    }

    @Test
    void locomoRejectsCutOffsThatAreNotPositiveAndDepthsOutOfRange() {
        assertRejected("ks", () -> new LocomoBenchmark.Options(false, true, List.of(), 100, 1000, List.of()));
        assertRejected("ks", () -> new LocomoBenchmark.Options(false, true, List.of(0, 5), 100, 1000, List.of()));
        assertRejected("depth", () -> new LocomoBenchmark.Options(false, true, List.of(1, 20), 10, 1000, List.of()));
        assertRejected("depth", () -> new LocomoBenchmark.Options(false, true, List.of(1), 1001, 1000, List.of()));
        assertRejected("contextBudgets", () -> new LocomoBenchmark.Options(false, true, List.of(1), 10, 1000, List.of(0)));
    }

    @Test
    void longMemEvalDefaultsAreTheDocumentedOnes() {
        assertEquals(new LongMemEvalBenchmark.Options(List.of(1, 3, 5, 10, 30, 50), 300),
                LongMemEvalBenchmark.Options.defaults());
    }

    @Test
    void longMemEvalRejectsCutOffsThatAreNotPositiveAndDepthsOutOfRange() {
        assertRejected("ks", () -> new LongMemEvalBenchmark.Options(List.of(), 300));
        assertRejected("ks", () -> new LongMemEvalBenchmark.Options(List.of(0, 5), 300));
        assertRejected("ks", () -> new LongMemEvalBenchmark.Options(List.of(-1), 300));
        assertRejected("depth", () -> new LongMemEvalBenchmark.Options(List.of(1, 50), 10));
        assertRejected("depth", () -> new LongMemEvalBenchmark.Options(List.of(1), 1001));
    }

    @Test
    void cutOffsAreCopied() {
        var ks = new ArrayList<>(List.of(1, 5));
        var o = new LongMemEvalBenchmark.Options(ks, 10);
        ks.add(50);
        assertEquals(List.of(1, 5), o.ks());
    }
}
