package dev.loci.store.lucene;

import dev.loci.Memory;
import dev.loci.StorageException;
import dev.loci.spi.MemoryCodec;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.StoredMemory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.store.AlreadyClosedException;

/**
 * The store's changes: write, delete, delete by filter. Each is one step under the index's write
 * lock (append one log record, apply it to the index writer, note its keys in
 * {@link PendingKeys} and drop their pending access counts), then, outside the lock, made durable
 * (an fsync of the log shared with concurrent writers, or a commit under {@code COMMIT_PER_WRITE})
 * and visible (the next read refreshes). A batch is one log record and one Lucene block update, so
 * readers and recovery see all of it or none of it.
 *
 * <p>Thread-safe.
 */
final class Writes {
    private static final System.Logger LOG = System.getLogger(Writes.class.getName());
    private final LuceneIndex index;
    private final WriteAheadLog wal;
    private final LuceneStoreConfig config;
    private final Accesses accesses;
    private final PendingKeys pending;
    private final Searchers searchers;
    private final Reads reads;
    private final Checkpoints checkpoints;

    Writes(LuceneIndex index, WriteAheadLog wal, LuceneStoreConfig config, Accesses accesses, PendingKeys pending,
            Searchers searchers, Reads reads, Checkpoints checkpoints) {
        this.index = index;
        this.wal = wal;
        this.config = config;
        this.accesses = accesses;
        this.pending = pending;
        this.searchers = searchers;
        this.reads = reads;
        this.checkpoints = checkpoints;
    }

    void write(List<StoredMemory> batch) {
        if (batch.isEmpty()) {
            return;
        }
        // Last write of an id within the batch wins, as if written one by one.
        Map<String, StoredMemory> byKey = new LinkedHashMap<>();
        for (StoredMemory m : batch) {
            index.checkDimensions(m.embedding().dimensions(), "batch vector of memory " + m.memory().id());
            byKey.remove(LuceneDocuments.key(m.memory().scope().tenant(), m.memory().id()));
            byKey.put(LuceneDocuments.key(m.memory().scope().tenant(), m.memory().id()), m);
        }
        List<StoredMemory> unique = List.copyOf(byKey.values());
        List<byte[]> records = unique.stream().map(m -> MemoryCodec.encode(m.memory())).toList();
        List<Document> docs = new ArrayList<>(unique.size());
        for (int i = 0; i < unique.size(); i++) {
            docs.add(LuceneDocuments.toDocument(unique.get(i), records.get(i)));
        }
        byte[] payload = logged() ? WalRecordFormat.encodePut(unique) : null;
        Query replaced = LuceneDocuments.keys(List.copyOf(byKey.keySet()));

        long seq = 0;
        index.writeLock.lock();
        try {
            index.ensureOpen();
            if (payload != null) {
                seq = wal.append(WalRecordFormat.PUT, payload);
            }
            index.writer().updateDocuments(replaced, docs);
            pending.written(List.copyOf(byKey.keySet()), records);
            byKey.keySet().forEach(accesses::drop); // the written lifecycle carries the counts now
            index.noteDimensions(unique.get(0).embedding().dimensions());
        } catch (IOException | AlreadyClosedException e) {
            throw index.failure("write", e);
        } finally {
            index.writeLock.unlock();
        }
        makeDurableAndVisible(seq);
    }

    boolean delete(String tenant, String id) {
        if (reads.get(tenant, id).isEmpty()) {
            return false;
        }
        String key = LuceneDocuments.key(tenant, id);
        long seq = 0;
        index.writeLock.lock();
        try {
            index.ensureOpen();
            if (logged()) {
                seq = wal.append(WalRecordFormat.DELETE, WalRecordFormat.encodeDelete(tenant, id));
            }
            index.writer().deleteDocuments(new Term(LuceneDocuments.KEY, key));
            pending.deleted(List.of(key));
            accesses.drop(key);
        } catch (IOException | AlreadyClosedException e) {
            throw index.failure("delete", e);
        } finally {
            index.writeLock.unlock();
        }
        makeDurableAndVisible(seq);
        return true;
    }

    /**
     * Deletes what the filter matches and returns it. The log records the filter, not the ids: the
     * record stays small for a purge of any size and holds no text ({@link WalRecordFormat}).
     */
    List<Memory> deleteMatching(SearchFilter filter) {
        if (filter.visibleAt() != null || filter.heldAt() != null) {
            throw new IllegalArgumentException("deleteMatching takes no visibleAt or heldAt filter (deletes are by what is stored)");
        }
        Query query = LuceneDocuments.filter(filter);
        byte[] payload = logged() ? WalRecordFormat.encodeDeleteWhere(filter) : null;
        List<Memory> deleted;
        long seq = 0;
        index.writeLock.lock();
        try {
            index.ensureOpen();
            // Under the write lock nothing can be written between finding the matches and deleting
            // them, and a refresh started here shows every write applied before it.
            IndexSearcher searcher = searchers.acquireLatest();
            try {
                deleted = reads.matching(searcher, query, Integer.MAX_VALUE);
            } finally {
                searchers.release(searcher);
            }
            if (deleted.isEmpty()) {
                return deleted;
            }
            if (payload != null) {
                seq = wal.append(WalRecordFormat.DELETE_WHERE, payload);
            }
            index.writer().deleteDocuments(query);
            // existing() answers from these until the next refresh shows the delete.
            List<String> keys = deleted.stream().map(m -> LuceneDocuments.key(m.scope().tenant(), m.id())).toList();
            pending.deleted(keys);
            keys.forEach(accesses::drop);
        } catch (IOException | AlreadyClosedException e) {
            throw index.failure("delete", e);
        } finally {
            index.writeLock.unlock();
        }
        makeDurableAndVisible(seq);
        return deleted;
    }

    private boolean logged() {
        return config.durability() == LuceneStoreConfig.Durability.WAL;
    }

    private void makeDurableAndVisible(long seq) {
        if (logged()) {
            wal.sync(seq);
        } else {
            checkpoints.commit(0);
        }
        // Visibility is lazy: the next read refreshes once for however many writes came before it,
        // so a burst of small writes costs one searcher refresh, not one each.
        searchers.written();
        if (logged() && wal.bytes() > config.walBytesBeforeCommit()) {
            try {
                checkpoints.checkpoint();
            } catch (StorageException e) {
                // The write is durable in the log and acknowledged; the commit is retried after the
                // next write (the log keeps everything until one succeeds).
                LOG.log(System.Logger.Level.WARNING, "checkpoint failed; the write-ahead log keeps the writes: "
                        + e.getMessage());
            }
        }
    }
}
