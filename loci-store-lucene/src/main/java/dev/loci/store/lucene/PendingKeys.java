package dev.loci.store.lucene;

import java.io.IOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;

/**
 * Keys written (present) or deleted (absent) that the current searcher may not show yet, each
 * with the sequence of its write, so {@link #existing} can answer ingest's "which of these ids are
 * stored?" without refreshing the searcher (which would flush a tiny segment per call). A refresh
 * drops the entries it has made visible ({@link #visibleUpTo}).
 *
 * <p>Thread-safe. The read lock spans a lookup and the acquisition of its searcher, and dropping
 * entries takes the write lock, so a lookup never sees an entry dropped while it holds a searcher
 * from before the refresh that showed it.
 */
final class PendingKeys {
    /** Past this many keys, reads refresh first, to keep the map small. */
    static final int MAX = 50_000;

    private record Pending(boolean present, long seq) {
    }

    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** Records keys a write (present) or delete (absent) just applied to the index writer. */
    void applied(Collection<String> keys, boolean present) {
        long at = seq.incrementAndGet();
        for (String key : keys) {
            pending.put(key, new Pending(present, at));
        }
    }

    /** Whether the map is large enough that the next read should refresh. */
    boolean tooMany() {
        return pending.size() > MAX;
    }

    /** The sequence of the last recorded write: a refresh starting now shows it and all before it. */
    long lastSeq() {
        return seq.get();
    }

    /** Drops the entries a refresh has made visible, those recorded up to {@code seq}. */
    void visibleUpTo(long seq) {
        lock.writeLock().lock();
        try {
            pending.values().removeIf(p -> p.seq() <= seq);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Those of {@code ids} stored in the tenant: a pending key's state, else the current searcher's. */
    Set<String> existing(String tenant, Collection<String> ids, SearcherManager searchers) throws IOException {
        Set<String> out = new HashSet<>();
        lock.readLock().lock();
        IndexSearcher searcher = null;
        try {
            searcher = searchers.acquire();
            for (String id : ids) {
                String key = LuceneDocuments.key(tenant, id);
                Pending p = pending.get(key);
                boolean present = p != null ? p.present()
                        : searcher.count(new TermQuery(new Term(LuceneDocuments.KEY, key))) > 0;
                if (present) {
                    out.add(id);
                }
            }
            return out;
        } finally {
            if (searcher != null) {
                searchers.release(searcher);
            }
            lock.readLock().unlock();
        }
    }
}
