package dev.loci.spi;

/**
 * A store that can rewrite its files so that deleted memories leave no bytes behind. A store
 * whose deletes are physical at once (one that holds nothing on disk, or overwrites in place)
 * does not implement it. Implementations are thread-safe.
 */
public interface Compactable {
    /**
     * Rewrites the store's files without the deleted memories and drops every older copy (log
     * segments, superseded index files): when this returns, no file of the store holds a byte of a
     * memory deleted before the call. Slow on a big store: it rewrites all of it.
     */
    void compact();
}
