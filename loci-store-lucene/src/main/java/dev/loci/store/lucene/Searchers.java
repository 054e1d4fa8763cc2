package dev.loci.store.lucene;

import java.io.IOException;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.AlreadyClosedException;

/**
 * The searchers reads run on, refreshed lazily: a write bumps a generation ({@link #written}),
 * and the first read after it ({@link #acquire}) reopens the reader once for every write since,
 * so a burst of small writes costs one refresh, not one each. The keys written since the last
 * refresh are kept in {@link PendingKeys}, which {@link #existing} answers from without
 * refreshing.
 *
 * <p>Thread-safe.
 */
final class Searchers {
    private static final System.Logger LOG = System.getLogger(Searchers.class.getName());
    private final LuceneIndex index;
    private final PendingKeys pending;
    /** Replaced only by {@link #reopen}, after the index writer was. */
    private volatile SearcherManager manager;
    /** Visits the segments of one search in parallel; null when searches run on the caller only. */
    private final ExecutorService pool;
    /** Bumped after every applied write; readers refresh when they are behind it. */
    private final AtomicLong writeGeneration = new AtomicLong();
    private volatile long searcherGeneration;
    /** Reopens of the reader a read asked for (for the store's figures). */
    private final AtomicLong refreshes = new AtomicLong();

    private Searchers(LuceneIndex index, PendingKeys pending, SearcherManager manager, ExecutorService pool) {
        this.index = index;
        this.pending = pending;
        this.manager = manager;
        this.pool = pool;
    }

    /** Opens the first searcher on the index writer, searching with {@code threads} threads when more than one. */
    static Searchers open(LuceneIndex index, PendingKeys pending, int threads) throws IOException {
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads,
                Thread.ofPlatform().daemon().name("loci-search-", 0).factory()) : null;
        try {
            return new Searchers(index, pending, manager(index, pool), pool);
        } catch (IOException | RuntimeException e) {
            if (pool != null) {
                pool.shutdown();
            }
            throw e;
        }
    }

    private static SearcherManager manager(LuceneIndex index, ExecutorService pool) throws IOException {
        return new SearcherManager(index.writer(), new SearcherFactory() {
            @Override
            public IndexSearcher newSearcher(IndexReader reader, IndexReader previous) {
                return new IndexSearcher(reader, pool);
            }
        });
    }

    /**
     * Searchers on the index's new writer ({@link LuceneIndex#reopenWriter}); searchers handed out
     * before stay valid until released.
     */
    synchronized void reopen() throws IOException {
        long visibleUpTo = pending.lastSeq();
        SearcherManager old = manager;
        manager = manager(index, pool);
        searcherGeneration = writeGeneration.get();
        pending.visibleUpTo(visibleUpTo);
        try {
            old.close();
        } catch (IOException ignored) {
            // its reader goes once its last searcher is released
        }
    }

    /** How many times a read has reopened the reader to see the writes before it. */
    long refreshes() {
        return refreshes.get();
    }

    /** A write was applied to the index writer: the next read refreshes. */
    void written() {
        writeGeneration.incrementAndGet();
    }

    /** A searcher showing every write that returned before this call; {@link #release} it. */
    IndexSearcher acquire() {
        try {
            long wanted = writeGeneration.get();
            if ((searcherGeneration < wanted || pending.tooMany()) && !index.stopped()) {
                long visibleUpTo = pending.lastSeq();
                try {
                    manager.maybeRefreshBlocking();
                    refreshes.incrementAndGet();
                    synchronized (this) {
                        searcherGeneration = Math.max(searcherGeneration, wanted);
                    }
                    pending.visibleUpTo(visibleUpTo);
                } catch (IOException | AlreadyClosedException e) {
                    if (!index.stopped()) {
                        throw e;
                    }
                    // The refresh stopped the writer (an I/O error, a full disk): reads go on with
                    // the last searcher until the store reopens the writer.
                    LOG.log(System.Logger.Level.WARNING, "reads use the last searcher: the index writer stopped ("
                            + e.getMessage() + ")");
                }
            }
            return manager.acquire();
        } catch (IOException | AlreadyClosedException e) {
            throw index.failure("read", e);
        }
    }

    /**
     * A searcher showing every change applied to the writer so far, without the generation
     * bookkeeping of {@link #acquire}: for a caller holding the write lock, which must see the
     * writes applied just before it.
     */
    IndexSearcher acquireLatest() throws IOException {
        manager.maybeRefreshBlocking();
        return manager.acquire();
    }

    void release(IndexSearcher searcher) {
        try {
            searcher.getIndexReader().decRef(); // what the manager does; also for a manager since replaced
        } catch (IOException e) {
            throw index.failure("read", e);
        }
    }

    /** Reopens the reader now (after a commit or a merge), so readers show what it wrote. */
    void refresh() {
        try {
            long visibleUpTo = pending.lastSeq();
            manager.maybeRefreshBlocking();
            // Dropped now, before a commit's caller forgets the access counts the refresh made
            // visible: a key's pending record does not carry them.
            pending.visibleUpTo(visibleUpTo);
        } catch (IOException | AlreadyClosedException e) {
            throw index.failure("refresh", e);
        }
    }

    /** Those of {@code ids} stored in the tenant, as of every write that has returned, mostly without a refresh. */
    Set<String> existing(String tenant, Collection<String> ids) {
        return pendingRead(() -> pending.existing(tenant, ids, manager));
    }

    /**
     * Reads one key as of every write that has returned, mostly without a refresh: a key written or
     * deleted since the last refresh from what the write left ({@link PendingKeys}), any other from
     * the current searcher.
     */
    <T> T read(String key, PendingKeys.KeyRead<T> read) {
        return pendingRead(() -> pending.read(key, manager, read));
    }

    /** A read answered from the pending keys, after a refresh when they have grown too many. */
    private <T> T pendingRead(PendingRead<T> read) {
        if (pending.tooMany()) {
            release(acquire()); // refreshes, and so empties the map
        }
        try {
            return read.run();
        } catch (IOException | AlreadyClosedException e) {
            throw index.failure("read", e);
        }
    }

    @FunctionalInterface
    private interface PendingRead<T> {
        T run() throws IOException;
    }

    /** Closes the searchers, then stops the search threads. */
    void close() throws IOException {
        manager.close();
        if (pool != null) {
            pool.shutdown();
        }
    }
}
