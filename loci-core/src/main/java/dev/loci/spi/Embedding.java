package dev.loci.spi;

import java.util.Arrays;

/**
 * An immutable dense vector. The array passed in is copied and never handed out again;
 * {@link #toArray()} returns a fresh copy. Thread-safe.
 */
public final class Embedding {
    private final float[] values;

    private Embedding(float[] values) {
        this.values = values;
    }

    /** Copies {@code values}. */
    public static Embedding of(float[] values) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("embedding must have at least one dimension");
        }
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("embedding contains a non-finite value");
            }
        }
        return new Embedding(values.clone());
    }

    /** Copies {@code values} and scales them to unit L2 length. */
    public static Embedding normalized(float[] values) {
        float[] copy = values.clone();
        double norm = 0;
        for (float v : copy) {
            norm += (double) v * v;
        }
        norm = Math.sqrt(norm);
        if (!(norm > 0)) {
            throw new IllegalArgumentException("cannot normalise a zero vector");
        }
        {
            for (int i = 0; i < copy.length; i++) {
                copy[i] = (float) (copy[i] / norm);
            }
        }
        return of(copy);
    }

    public int dimensions() {
        return values.length;
    }

    public float get(int i) {
        return values[i];
    }

    /** A fresh copy of the values. */
    public float[] toArray() {
        return values.clone();
    }

    /** Dot product; equals cosine similarity when both are unit length. */
    public double dot(Embedding other) {
        if (other.values.length != values.length) {
            throw new IllegalArgumentException("dimension mismatch: " + values.length + " vs " + other.values.length);
        }
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            sum += (double) values[i] * other.values[i];
        }
        return sum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Embedding e && Arrays.equals(values, e.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Embedding[" + values.length + "d]";
    }
}
