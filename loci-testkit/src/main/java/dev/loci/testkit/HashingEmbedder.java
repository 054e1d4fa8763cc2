package dev.loci.testkit;

import dev.loci.InvalidInputException;
import dev.loci.spi.Embedder;
import dev.loci.spi.Embedding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A deterministic stand-in for a real model: lower-cased word tokens (and their 4-character
 * prefixes, a crude stemmer) are hashed into a fixed number of dimensions and the vector is
 * L2-normalised. Texts sharing words are close, so retrieval tests behave sensibly without a
 * model. Thread-safe.
 */
public final class HashingEmbedder implements Embedder {
    private final int dimensions;
    private final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

    public HashingEmbedder(int dimensions) {
        if (dimensions < 2) {
            throw new IllegalArgumentException("dimensions must be >= 2");
        }
        this.dimensions = dimensions;
    }

    public HashingEmbedder() {
        this(64);
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    @Override
    public String modelId() {
        return "hashing-" + dimensions;
    }

    @Override
    public List<Embedding> embedDocuments(List<String> texts) {
        calls.incrementAndGet();
        var out = new ArrayList<Embedding>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null || texts.get(i).isBlank()) {
                throw new InvalidInputException("texts[" + i + "]", "must not be blank");
            }
            out.add(embed(texts.get(i)));
        }
        return out;
    }

    @Override
    public Embedding embedQuery(String text) {
        return embed(text);
    }

    /** How many document batches were embedded (to check that duplicates are not re-embedded). */
    public int documentCalls() {
        return calls.get();
    }

    private Embedding embed(String text) {
        float[] v = new float[dimensions];
        boolean any = false;
        for (String token : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (token.isEmpty()) {
                continue;
            }
            any = true;
            add(v, token, 1f);
            if (token.length() > 4) {
                add(v, token.substring(0, 4), 0.5f);
            }
        }
        boolean zero = true;
        for (float x : v) {
            zero &= x == 0f;
        }
        if (!any || zero) {
            v[0] = 1f;
        }
        return Embedding.normalized(v);
    }

    private void add(float[] v, String token, float weight) {
        int h = token.hashCode() * 0x9E3779B9;
        int idx = Math.floorMod(h, dimensions);
        v[idx] += ((h >>> 31) == 0 ? 1 : -1) * weight;
    }

    @Override
    public void close() {
    }
}
