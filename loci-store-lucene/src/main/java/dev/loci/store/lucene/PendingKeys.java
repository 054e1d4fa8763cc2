package dev.loci.store.lucene;

import java.io.IOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;

/**
 * Keys written (present, with the record written) or deleted (absent) that the current searcher
 * may not show yet, each with the sequence of its write, so {@link #existing} can answer ingest's
 * "which of these ids are stored?" and {@link #read} a read by id without refreshing the searcher
 * (which would flush a tiny segment per call, and the merges then rebuild its vector graph). A
 * refresh drops the entries it has made visible ({@link #visibleUpTo}).
 *
 * <p>Thread-safe. The read lock spans a lookup and the acquisition of its searcher, and dropping
 * entries takes the write lock, so a lookup never sees an entry dropped while it holds a searcher
 * from before the refresh that showed it.
 */
final class PendingKeys {
    /** Past this many keys, reads refresh first, to keep the map small. */
    static final int MAX = 50_000;
    /** Past this many bytes of records held, reads refresh first. */
    static final long MAX_BYTES = 32L << 20;

    /** A key's state since the last refresh: written with {@code record}, or deleted (null record). */
    private record Pending(byte[] record, long seq) {
        boolean present() {
            return record != null;
        }

        long bytes() {
            return record == null ? 0 : record.length;
        }
    }

    /** What a read by key found: the record a write left, a delete, or neither (then the searcher's document). */
    interface KeyRead<T> {
        /**
         * @param record   the record written since the searcher was refreshed; null when none was
         * @param deleted  whether the key was deleted since
         * @param searcher the current searcher, which shows the key's state when neither
         */
        T read(byte[] record, boolean deleted, IndexSearcher searcher) throws IOException;
    }

    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** Records keys a delete just applied to the index writer. */
    void deleted(Collection<String> keys) {
        long at = seq.incrementAndGet();
        for (String key : keys) {
            put(key, new Pending(null, at));
        }
    }

    /** Records keys a write just applied to the index writer, each with its record ({@code records}, in order). */
    void written(List<String> keys, List<byte[]> records) {
        long at = seq.incrementAndGet();
        for (int i = 0; i < keys.size(); i++) {
            put(keys.get(i), new Pending(records.get(i), at));
        }
    }

    private void put(String key, Pending p) {
        Pending before = pending.put(key, p);
        bytes.addAndGet(p.bytes() - (before == null ? 0 : before.bytes()));
    }

    /** Whether the map is large enough that the next read should refresh. */
    boolean tooMany() {
        return pending.size() > MAX || bytes.get() > MAX_BYTES;
    }

    /** The sequence of the last recorded write: a refresh starting now shows it and all before it. */
    long lastSeq() {
        return seq.get();
    }

    /** Drops the entries a refresh has made visible, those recorded up to {@code seq}. */
    void visibleUpTo(long seq) {
        lock.writeLock().lock();
        try {
            pending.values().removeIf(p -> {
                if (p.seq() > seq) {
                    return false;
                }
                bytes.addAndGet(-p.bytes());
                return true;
            });
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Reads one key as of every write applied so far, without a refresh: from its pending entry
     * when it has one, else from the current searcher (which shows every key that has none).
     */
    <T> T read(String key, SearcherManager searchers, KeyRead<T> read) throws IOException {
        lock.readLock().lock();
        IndexSearcher searcher = null;
        try {
            Pending p = pending.get(key);
            if (p != null) {
                return read.read(p.record(), !p.present(), null);
            }
            searcher = searchers.acquire();
            return read.read(null, false, searcher);
        } finally {
            if (searcher != null) {
                searchers.release(searcher);
            }
            lock.readLock().unlock();
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
