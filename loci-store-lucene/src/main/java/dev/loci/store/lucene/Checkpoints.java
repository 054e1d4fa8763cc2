package dev.loci.store.lucene;

import java.io.IOException;
import java.util.Map;

/**
 * Commits of the index while the store runs. A checkpoint commits the index (with the pending
 * access counts) and drops the log segments the commit made redundant: the store takes one when
 * the log grows past {@link LuceneStoreConfig#walBytesBeforeCommit()}, when many access counts are
 * pending, and on close. {@link #compact} merges the index first, so deleted memories leave no
 * bytes behind. Under {@code COMMIT_PER_WRITE} every write commits ({@link #commit}).
 *
 * <p>Thread-safe: checkpoints run one at a time; the write lock is held only while the log
 * rotates, so writes wait for no fsync or commit.
 */
final class Checkpoints {
    private static final System.Logger LOG = System.getLogger(Checkpoints.class.getName());
    private final LuceneIndex index;
    private final WriteAheadLog wal;
    private final Accesses accesses;
    private final Searchers searchers;
    private final Object checkpointLock = new Object();

    Checkpoints(LuceneIndex index, WriteAheadLog wal, Accesses accesses, Searchers searchers) {
        this.index = index;
        this.wal = wal;
        this.accesses = accesses;
        this.searchers = searchers;
    }

    /** Commits the index and truncates the log now. */
    void checkpoint() {
        index.ensureOpen();
        commitAndTruncate();
    }

    /**
     * The checkpoint of {@link LuceneMemoryStore#close}, once the store refuses new calls. It
     * takes the write lock like any checkpoint: a write that passed its open check before the
     * store was marked closed holds that lock until its record is logged and its document in the
     * index, so the log position read here is past it and the commit holds it. Without the lock,
     * such a write could land in a log segment this checkpoint then drops, uncommitted.
     */
    void closing() {
        commitAndTruncate();
    }

    private void commitAndTruncate() {
        synchronized (checkpointLock) {
            long seq;
            long firstKept;
            index.writeLock.lock();
            try {
                seq = wal.lastSeq();
                firstKept = wal.rotate();
            } finally {
                index.writeLock.unlock();
            }
            commit(seq);
            wal.dropSegmentsBefore(firstKept);
        }
    }

    /**
     * Commits the index, recording {@code walSeq} as the last log record it holds; once readers
     * show the access counts the commit wrote, their pending copies are dropped.
     */
    void commit(long walSeq) {
        Map<String, Accesses.Access> written = index.commit(walSeq, accesses);
        if (!written.isEmpty()) {
            searchers.refresh(); // readers see the doc values before the map forgets them
            accesses.flushed(written);
        }
    }

    /**
     * Starts a new index writer when an I/O error stopped the current one (Lucene closes its writer
     * after a failed flush: a full disk, say), then replays the log records after the last commit
     * into it and reopens the searchers, as an open would. Nothing acknowledged is lost: every
     * acknowledged write is in the log. Runs under the write lock; a no-op while the writer runs.
     *
     * @throws dev.loci.StorageException when it cannot (the disk is still full): the next call tries again
     */
    void reviveIfStopped() {
        if (!index.stopped()) {
            return;
        }
        synchronized (checkpointLock) {
            index.writeLock.lock();
            try {
                if (!index.stopped()) {
                    return;
                }
                Throwable cause = index.writer().getTragicException();
                index.reopenWriter();
                long committed = index.lastCommitWalSeq();
                int replayed = 0;
                for (java.nio.file.Path segment : WriteAheadLog.segments(wal.dir())) {
                    try (var ch = java.nio.channels.FileChannel.open(segment, java.nio.file.StandardOpenOption.READ)) {
                        for (WriteAheadLog.Entry e : WalSegmentReader.read(WalSegmentReader.Source.of(ch), false).entries()) {
                            if (e.seq() > committed) {
                                Recovery.replay(index, accesses, e);
                                replayed++;
                            }
                        }
                    }
                }
                searchers.reopen();
                LOG.log(System.Logger.Level.WARNING, "the index writer stopped after an I/O error ({0}); a new one "
                        + "replayed {1} log records and took over", cause == null ? "?" : cause.getMessage(), replayed);
            } catch (IOException | RuntimeException e) {
                throw index.failure("reopening the index writer after an I/O error", e);
            } finally {
                index.writeLock.unlock();
            }
        }
    }

    /**
     * Merges the index down to one segment, physically dropping deleted documents, then
     * checkpoints (the log's PUT records hold the text too) and refreshes, which releases the old
     * searcher and so lets Lucene delete the superseded segment files.
     */
    void compact() {
        try {
            index.writer().forceMergeDeletes(true);
            index.writer().forceMerge(1, true);
        } catch (IOException e) {
            throw index.failure("force merge", e);
        }
        checkpoint();
        searchers.refresh();
    }
}
