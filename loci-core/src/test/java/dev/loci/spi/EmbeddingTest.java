package dev.loci.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmbeddingTest {

    @Test
    void inputArrayIsCopied() {
        float[] values = {1f, 2f, 3f};
        var e = Embedding.of(values);
        values[0] = 99f;
        assertEquals(1f, e.get(0));
        assertArrayEquals(new float[] {1f, 2f, 3f}, e.toArray());
    }

    @Test
    void normalizedCopiesItsInputToo() {
        float[] values = {3f, 4f};
        var e = Embedding.normalized(values);
        assertArrayEquals(new float[] {3f, 4f}, values, "the caller's array is not scaled in place");
        values[0] = -100f;
        assertArrayEquals(new float[] {0.6f, 0.8f}, e.toArray(), 1e-7f);
    }

    @Test
    void returnedArrayIsAFreshCopy() {
        var e = Embedding.of(new float[] {1f, 2f, 3f});
        float[] out = e.toArray();
        out[1] = -7f;
        assertEquals(2f, e.get(1));
        assertNotSame(e.toArray(), e.toArray());
        assertArrayEquals(new float[] {1f, 2f, 3f}, e.toArray());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void normalizedHasUnitLengthAndKeepsDirection(long seed) {
        var random = new Random(seed);
        for (int trial = 0; trial < 50; trial++) {
            int dims = 1 + random.nextInt(512);
            float[] v = new float[dims];
            float scale = (float) Math.pow(10, random.nextInt(13) - 6); // 1e-6 .. 1e6
            for (int i = 0; i < dims; i++) {
                v[i] = (float) random.nextGaussian() * scale;
            }
            var e = Embedding.normalized(v);
            assertEquals(dims, e.dimensions());
            assertEquals(1.0, e.dot(e), 1e-5, "unit length, dims " + dims + " scale " + scale);
            double norm = 0;
            for (float x : v) {
                norm += (double) x * x;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < dims; i++) {
                assertEquals(v[i] / norm, e.get(i), 1e-6, "component " + i);
            }
        }
    }

    @Test
    void dotIsCosineForUnitVectors() {
        var a = Embedding.normalized(new float[] {1f, 0f});
        var b = Embedding.normalized(new float[] {1f, 1f});
        assertEquals(Math.sqrt(0.5), a.dot(b), 1e-7);
        assertEquals(a.dot(b), b.dot(a));
        var e = assertThrows(IllegalArgumentException.class, () -> a.dot(Embedding.of(new float[] {1f, 0f, 0f})));
        assertTrue(e.getMessage().contains("2") && e.getMessage().contains("3"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void nonFiniteValuesAreRejected(float bad) {
        var e = assertThrows(IllegalArgumentException.class, () -> Embedding.of(new float[] {0.1f, bad, 0.2f}));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Embedding.normalized(new float[] {0.1f, bad, 0.2f}));
    }

    @Test
    void emptyOrNullIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> Embedding.of(new float[0]));
        assertTrue(e.getMessage().contains("at least one dimension"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Embedding.of(null));
        assertThrows(IllegalArgumentException.class, () -> Embedding.normalized(new float[0]));
    }

    @Test
    void equalityIsByValue() {
        var a = Embedding.of(new float[] {1f, 2f});
        var b = Embedding.of(new float[] {1f, 2f});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, Embedding.of(new float[] {1f, 2.5f}));
        assertNotEquals(a, Embedding.of(new float[] {1f, 2f, 0f}));
        assertEquals("Embedding[2d]", a.toString());
    }
}
