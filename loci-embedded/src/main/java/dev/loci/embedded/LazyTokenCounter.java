package dev.loci.embedded;

import dev.loci.spi.TokenCounter;
import java.util.function.Supplier;

/**
 * A token counter whose encoding tables are loaded on the first count: only {@code context} counts
 * tokens, and the other commands should not pay for reading the tables. Thread-safe.
 */
final class LazyTokenCounter implements TokenCounter {
    private final String name;
    private final Supplier<? extends TokenCounter> factory;
    private volatile TokenCounter loaded;

    LazyTokenCounter(String name, Supplier<? extends TokenCounter> factory) {
        this.name = name;
        this.factory = factory;
    }

    @Override
    public int count(String text) {
        TokenCounter c = loaded;
        if (c == null) {
            synchronized (this) {
                if (loaded == null) {
                    loaded = factory.get();
                }
                c = loaded;
            }
        }
        return c.count(text);
    }

    @Override
    public String name() {
        return name;
    }
}
