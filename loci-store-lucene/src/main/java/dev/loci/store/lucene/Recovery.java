package dev.loci.store.lucene;

import dev.loci.StorageException;
import dev.loci.spi.MemoryCodec;
import dev.loci.spi.StoredMemory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.Term;

/**
 * Crash recovery, the step of opening a store between opening its index and serving it: every
 * write-ahead log record after the index's last commit is applied to the index again, in log
 * order, then the index is committed and the log restarts in a fresh segment.
 *
 * <p>Records are replayed against the state they were written against (the last commit plus the
 * records before them), so each one reproduces its original effect: a PUT rewrites its batch, a
 * DELETE and a DELETE_WHERE delete what they deleted, an ACCESS sets the counts it logged. A torn
 * record at the log's tail was never acknowledged and is dropped by {@link WriteAheadLog#open};
 * damage anywhere else fails the open.
 *
 * <p>Runs alone, before the store is shared: not thread-safe.
 */
final class Recovery {
    private static final System.Logger LOG = System.getLogger(Recovery.class.getName());

    private final LuceneIndex index;
    private final Accesses accesses;

    private Recovery(LuceneIndex index, Accesses accesses) {
        this.index = index;
        this.accesses = accesses;
    }

    /**
     * What recovery left: the log, open for appending, and how many records it replayed (0 after a
     * clean close, which commits everything the log held).
     */
    record Recovered(WriteAheadLog log, int replayed) {
    }

    /**
     * Replays the log in {@code dataDir} into {@code index} (access counts into {@code accesses}),
     * commits, drops the replayed segments, and returns the log, open for appending.
     */
    static Recovered run(DataDir dataDir, LuceneIndex index, Accesses accesses) throws IOException {
        long committedSeq = index.committedWalSeq();
        var records = new ArrayList<WriteAheadLog.Entry>();
        WriteAheadLog wal = WriteAheadLog.open(dataDir.wal(), committedSeq, records);
        try {
            var recovery = new Recovery(index, accesses);
            int replayed = 0;
            for (WriteAheadLog.Entry e : records) {
                if (e.seq() > committedSeq) {
                    recovery.apply(e);
                    replayed++;
                }
            }
            long firstKept = wal.rotate();
            accesses.flushed(index.commit(wal.lastSeq(), accesses)); // no reader is open yet to refresh
            wal.dropSegmentsBefore(firstKept);
            LOG.log(System.Logger.Level.DEBUG, "opened {0}: replayed {1} log records after commit {2}",
                    dataDir.root(), replayed, committedSeq);
            return new Recovered(wal, replayed);
        } catch (IOException | RuntimeException e) {
            try {
                wal.close();
            } catch (RuntimeException ignored) {
                // the replay's failure is the one reported
            }
            throw e;
        }
    }

    /** Applies one log record to {@code index} (access counts to {@code accesses}), as an open replays it. */
    static void replay(LuceneIndex index, Accesses accesses, WriteAheadLog.Entry e) throws IOException {
        new Recovery(index, accesses).apply(e);
    }

    private void apply(WriteAheadLog.Entry e) throws IOException {
        IndexWriter writer = index.writer();
        switch (e.type()) {
            case WalRecordFormat.PUT -> {
                List<StoredMemory> batch = WalRecordFormat.decodePut(e.payload());
                List<Document> docs = new ArrayList<>(batch.size());
                List<String> keys = new ArrayList<>(batch.size());
                for (StoredMemory m : batch) {
                    docs.add(LuceneDocuments.toDocument(m, MemoryCodec.encode(m.memory())));
                    keys.add(LuceneDocuments.key(m.memory().scope().tenant(), m.memory().id()));
                    index.noteDimensions(m.embedding().dimensions());
                }
                writer.updateDocuments(LuceneDocuments.keys(keys), docs);
                keys.forEach(accesses::drop);
            }
            case WalRecordFormat.DELETE -> {
                WalRecordFormat.Delete d = WalRecordFormat.decodeDelete(e.payload());
                writer.deleteDocuments(new Term(LuceneDocuments.KEY, LuceneDocuments.key(d.tenant(), d.id())));
                accesses.drop(LuceneDocuments.key(d.tenant(), d.id()));
            }
            case WalRecordFormat.ACCESS -> {
                for (WalRecordFormat.AccessEntry a : WalRecordFormat.decodeAccess(e.payload())) {
                    accesses.put(LuceneDocuments.key(a.tenant(), a.id()), new Accesses.Access(a.count(), a.lastMicros()));
                }
            }
            case WalRecordFormat.DELETE_WHERE ->
                    writer.deleteDocuments(LuceneDocuments.filter(WalRecordFormat.decodeDeleteWhere(e.payload())));
            default -> throw new StorageException("write-ahead log record " + e.seq() + " has unknown type "
                    + e.type(), false);
        }
    }
}
