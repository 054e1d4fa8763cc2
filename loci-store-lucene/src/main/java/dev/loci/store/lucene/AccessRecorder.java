package dev.loci.store.lucene;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.AlreadyClosedException;

/**
 * {@link dev.loci.spi.AccessRecording#recordAccess}: counts recalls without rewriting or
 * refreshing anything. Under the write lock it reads each memory's current count, logs the new
 * absolute counts (appended, not fsynced: a process crash loses none of them, a power failure can
 * lose those after the last acknowledged write) and keeps them in {@link Accesses} until a
 * checkpoint writes them into the doc values; past {@link #MAX_PENDING_ACCESSES} of them, or when
 * the log has grown, it checkpoints.
 *
 * <p>Thread-safe; concurrent calls for the same id each count.
 */
final class AccessRecorder {
    /** Recall counts not yet in the index; past this many of them a checkpoint writes them. */
    private static final int MAX_PENDING_ACCESSES = 100_000;

    private final LuceneIndex index;
    private final WriteAheadLog wal;
    private final LuceneStoreConfig config;
    private final Accesses accesses;
    private final Searchers searchers;
    private final Checkpoints checkpoints;

    AccessRecorder(LuceneIndex index, WriteAheadLog wal, LuceneStoreConfig config, Accesses accesses,
            Searchers searchers, Checkpoints checkpoints) {
        this.index = index;
        this.wal = wal;
        this.config = config;
        this.accesses = accesses;
        this.searchers = searchers;
        this.checkpoints = checkpoints;
    }

    void recordAccess(String tenant, Collection<String> ids, Instant at) {
        if (ids.isEmpty()) {
            return;
        }
        boolean logged = config.durability() == LuceneStoreConfig.Durability.WAL;
        long atMicros = LuceneDocuments.micros(at);
        index.writeLock.lock();
        try {
            index.ensureOpen();
            Map<String, Accesses.Access> updated = new LinkedHashMap<>();
            IndexSearcher searcher = searchers.acquire();
            try {
                for (String id : ids) {
                    String key = LuceneDocuments.key(tenant, id);
                    Accesses.Access current = updated.containsKey(key) ? updated.get(key) : current(searcher, key);
                    if (current != null) {
                        updated.put(key, current.accessed(atMicros));
                    }
                }
            } finally {
                searchers.release(searcher);
            }
            if (updated.isEmpty()) {
                return;
            }
            if (logged) {
                var entries = new ArrayList<WalRecordFormat.AccessEntry>(updated.size());
                updated.forEach((key, a) -> entries.add(new WalRecordFormat.AccessEntry(tenant,
                        key.substring(key.indexOf('\u0000') + 1), a.count(), a.lastMicros())));
                wal.append(WalRecordFormat.ACCESS, WalRecordFormat.encodeAccess(entries));
            }
            updated.forEach(accesses::put);
        } catch (IOException | AlreadyClosedException e) {
            throw index.failure("record access", e);
        } finally {
            index.writeLock.unlock();
        }
        if (accesses.size() > MAX_PENDING_ACCESSES || (logged && wal.bytes() > config.walBytesBeforeCommit())) {
            checkpoints.checkpoint();
        }
    }

    /** The current access of the key (pending, else indexed, else its record's), or null if absent. */
    private Accesses.Access current(IndexSearcher searcher, String key) throws IOException {
        TopDocs top = searcher.search(Reads.byKey(key), 1);
        if (top.scoreDocs.length == 0) {
            return null;
        }
        int doc = top.scoreDocs[0].doc;
        Accesses.Access indexed = Accesses.indexed(searcher, doc);
        Accesses.Access base = indexed != null ? indexed : Accesses.Access.of(Reads.decode(searcher, doc));
        return base.max(accesses.pending(key));
    }
}
