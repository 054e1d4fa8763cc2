package dev.loci.store.lucene;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.StorageException;
import dev.loci.UserSummary;
import dev.loci.spi.AccessRecording;
import dev.loci.spi.Compactable;
import dev.loci.spi.Embedding;
import dev.loci.spi.ListPosition;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.NewestFirstListing;
import dev.loci.spi.UserListing;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchHits;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.StoreStats;
import dev.loci.spi.StoredMemory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;

/**
 * The embedded default {@link MemoryStore}: one Lucene index holding, per memory, the stored
 * record, a BM25 text field, an int8-quantized HNSW vector, and filter fields for tenant, user,
 * agent, session, kind, event time and metadata.
 *
 * <p><b>Durability.</b> With {@link LuceneStoreConfig.Durability#WAL} (the default) a write is
 * appended to the {@link WriteAheadLog} and fsynced (group commit) before it is acknowledged; it
 * is applied to the index in the same step, and the index itself is committed only when the log
 * grows past a threshold and on close. Opening replays the log past the last commit. With
 * {@code COMMIT_PER_WRITE} every write commits the index instead. docs/ARCHITECTURE.md measures
 * the two.
 *
 * <p><b>Atomicity.</b> A batch is one log record and one Lucene block update, so readers and
 * crash recovery see all of it or none of it.
 *
 * <p><b>Concurrency.</b> Thread-safe. Writes are ordered by a lock held only for the log append
 * and the in-memory index update; fsync happens outside it and is shared. A write is visible to
 * every read that starts after it returns: the first such read refreshes the searcher, once for
 * all writes since the last refresh.
 * The data directory is locked against other processes.
 *
 * <p><b>Deletion.</b> {@link #delete} and {@link #deleteMatching} are log records like writes, so
 * they are as durable; reads stop seeing the memories at once. Their bytes stay in the files (the
 * log's PUT records, index segments until merged) until {@link #compact()} rewrites the index and
 * drops the log.
 *
 * <p><b>Recall counts.</b> {@link #recordAccess} neither rewrites nor refreshes anything: it logs
 * the new counts (appended, not fsynced) and keeps them in memory until the next commit writes them
 * into updatable doc values ({@link Accesses}). A process crash loses none of them (the appended
 * record is in the operating system's hands); a power or OS failure can lose those appended after
 * the log's last fsync, i.e. after the last acknowledged write. With {@code COMMIT_PER_WRITE} they
 * are durable at the next write or close.
 *
 * <p><b>Opening</b> ({@link #open}) is four steps: lock the data directory and check its format
 * ({@link DataDir}), open the index ({@link LuceneIndex}), replay the log past the index's last
 * commit ({@link Recovery}), then open the searchers and start serving.
 *
 * <p><b>Parts.</b> This class only checks that the store is open and hands each call to the part
 * that does the job: {@link Writes} (write, delete, delete by filter), {@link Reads} (get, count,
 * list, list newest first, expired, vectors), {@link CandidateSearch} (BM25 and rescored kNN), {@link AccessRecorder}
 * (recall counts, kept in {@link Accesses}), {@link Checkpoints} (commit, log truncation,
 * compaction), on top of {@link Searchers} (lazy refresh, with {@link PendingKeys} for
 * {@link #existing}) and the log's record format ({@link WalRecordFormat}).
 */
public final class LuceneMemoryStore implements MemoryStore, Compactable, AccessRecording, NewestFirstListing,
        UserListing {
    private static final System.Logger LOG = System.getLogger(LuceneMemoryStore.class.getName());
    /** Prefix of the {@link #stats()} details that count memories by kind: {@code memories.TURN}. */
    public static final String KIND_COUNT_PREFIX = "memories.";
    /** {@link #stats()} detail: fsyncs of the write-ahead log since the store was opened. */
    public static final String WAL_FSYNCS = "wal.fsyncs";
    /** {@link #stats()} detail: nanoseconds those fsyncs took, in all. */
    public static final String WAL_FSYNC_NANOS = "wal.fsyncNanos";

    private final LuceneStoreConfig config;
    private final DataDir dataDir;
    private final LuceneIndex index;
    private final WriteAheadLog wal;
    private final Searchers searchers;
    private final Checkpoints checkpoints;
    private final Reads reads;
    private final CandidateSearch search;
    private final Writes writes;
    private final AccessRecorder accessRecorder;
    private final Exports exports;
    private final int recoveredRecords;

    private LuceneMemoryStore(LuceneStoreConfig config, DataDir dataDir, LuceneIndex index, WriteAheadLog wal,
            int recoveredRecords, Accesses accesses, PendingKeys pending, Searchers searchers) {
        this.config = config;
        this.recoveredRecords = recoveredRecords;
        this.dataDir = dataDir;
        this.index = index;
        this.wal = wal;
        this.searchers = searchers;
        this.checkpoints = new Checkpoints(index, wal, accesses, searchers);
        this.reads = new Reads(index, searchers, accesses);
        this.search = new CandidateSearch(index, searchers, config);
        this.writes = new Writes(index, wal, config, accesses, pending, searchers, reads, checkpoints);
        this.accessRecorder = new AccessRecorder(index, wal, config, accesses, searchers, checkpoints);
        this.exports = new Exports(index, searchers, accesses);
    }

    /**
     * Opens (creating if needed) the store in {@code dir}. Throws
     * {@link dev.loci.DataDirLockedException} if another process has it open, and
     * {@link dev.loci.FormatVersionException} if it was written in an unknown format.
     */
    public static LuceneMemoryStore open(Path dir, LuceneStoreConfig config) {
        DataDir dataDir = DataDir.open(dir); // locks the directory, checks its FORMAT marker
        LuceneIndex index = null;
        WriteAheadLog wal = null;
        try {
            index = LuceneIndex.open(dataDir, config);
            var accesses = new Accesses();
            Recovery.Recovered recovered = Recovery.run(dataDir, index, accesses); // replays the log past the last commit, commits
            wal = recovered.log();
            var pending = new PendingKeys();
            Searchers searchers = Searchers.open(index, pending, config.searchThreads());
            return new LuceneMemoryStore(config, dataDir, index, wal, recovered.replayed(), accesses, pending, searchers);
        } catch (IOException | RuntimeException e) {
            closeAfterFailedOpen(wal, index, dataDir);
            if (e instanceof IOException io) {
                throw new StorageException("cannot open the index in " + dir + ": " + io.getMessage(), false, io);
            }
            throw (RuntimeException) e;
        }
    }

    private static void closeAfterFailedOpen(WriteAheadLog wal, LuceneIndex index, DataDir dataDir) {
        try {
            if (wal != null) {
                wal.close();
            }
        } catch (RuntimeException ignored) {
            // the open already failed; that failure is the one reported
        }
        if (index != null) {
            index.abandon();
        }
        dataDir.close();
    }

    @Override
    public void write(List<StoredMemory> batch) {
        writable();
        writes.write(batch);
    }

    /** Checks that the store is open and its index writer running, reopening a writer an I/O error stopped. */
    private void writable() {
        index.ensureOpen();
        checkpoints.reviveIfStopped();
    }

    /**
     * Checks that the store is open, and reopens a writer an I/O error stopped if it can; while it
     * cannot (the disk is still full), reads go on with the last searcher.
     */
    private void readable() {
        index.ensureOpen();
        if (index.stopped()) {
            try {
                checkpoints.reviveIfStopped();
            } catch (StorageException e) {
                LOG.log(System.Logger.Level.WARNING, "reads use the last searcher: " + e.getMessage());
            }
        }
    }

    @Override
    public Optional<Memory> get(String tenant, String id) {
        readable();
        return reads.get(tenant, id);
    }

    @Override
    public Set<String> existing(String tenant, Collection<String> ids) {
        readable();
        return searchers.existing(tenant, ids);
    }

    @Override
    public boolean delete(String tenant, String id) {
        writable();
        return writes.delete(tenant, id);
    }

    @Override
    public List<Memory> deleteMatching(SearchFilter filter) {
        writable();
        return writes.deleteMatching(filter);
    }

    @Override
    public long count(SearchFilter filter) {
        readable();
        return reads.count(filter);
    }

    @Override
    public List<Memory> list(SearchFilter filter, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        readable();
        return reads.list(filter, limit);
    }

    @Override
    public List<Memory> listNewestFirst(SearchFilter filter, ListPosition after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        index.ensureOpen();
        return reads.listNewestFirst(filter, after, limit);
    }

    @Override
    public List<UserSummary> users(String tenant, String after, int limit, Instant visibleAt) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        readable();
        return reads.users(tenant, after, limit, visibleAt);
    }

    @Override
    public List<Memory> expired(Instant at, int limit) {
        readable();
        return reads.expired(at, limit);
    }

    @Override
    public Map<String, Embedding> vectors(String tenant, Collection<String> ids) {
        readable();
        return reads.vectors(tenant, ids);
    }

    /**
     * Counts one recall of each memory: logs the new absolute counts (appended, not fsynced: see
     * the class notes for what a crash can lose) and keeps them for reads until the next commit
     * writes them into the index. Rewrites and refreshes nothing.
     */
    @Override
    public void recordAccess(String tenant, Collection<String> ids, Instant at) {
        writable();
        accessRecorder.recordAccess(tenant, ids, at);
    }

    @Override
    public SearchHits search(SearchRequest request) {
        readable();
        return search.search(request);
    }

    /**
     * Size and format of the store. Besides the format figures, {@code details} holds one entry per
     * kind of memory the store holds, {@code memories.<KIND>} (e.g. {@code memories.TURN}), with the
     * number of memories of that kind across all tenants, every version counted, as
     * {@link StoreStats#memories()} counts them; {@link #WAL_FSYNCS} and {@link #WAL_FSYNC_NANOS}
     * count the log's fsyncs since open and the time they took; {@code readRefreshes} how many
     * times a read reopened the searcher to see the writes before it (each flushes a segment).
     */
    @Override
    public StoreStats stats() {
        readable();
        IndexSearcher searcher = searchers.acquire();
        try {
            var reader = searcher.getIndexReader();
            var details = new java.util.HashMap<String, String>(Map.of(
                    "store", "lucene",
                    "formatVersion", Integer.toString(DataDir.FORMAT_VERSION),
                    "durability", config.durability().name(),
                    "segments", Integer.toString(reader.leaves().size()),
                    "walBytes", Long.toString(wal.bytes()),
                    "vectorDimensions", Integer.toString(index.dimensions()),
                    "recoveredRecords", Integer.toString(recoveredRecords),
                    WAL_FSYNCS, Long.toString(wal.fsyncs()),
                    WAL_FSYNC_NANOS, Long.toString(wal.fsyncNanos()),
                    "readRefreshes", Long.toString(searchers.refreshes())));
            for (Kind kind : Kind.values()) {
                int n = searcher.count(new TermQuery(new Term(LuceneDocuments.KIND, kind.name())));
                if (n > 0) {
                    details.put(KIND_COUNT_PREFIX + kind.name(), Integer.toString(n));
                }
            }
            return new StoreStats(reader.numDocs(), dataDir.diskBytes(), details);
        } catch (IOException e) {
            throw new StorageException("cannot count memories by kind: " + e.getMessage(), true, e);
        } finally {
            searchers.release(searcher);
        }
    }

    /**
     * Hands every stored memory that {@code which} accepts, of every tenant, whole (with its
     * current access counts, its vector and the text BM25 indexed) to {@code sink}, ordered by
     * tenant then id: what an export writes and an import gives back to {@link #write}. A snapshot
     * as of the call, whatever is written meanwhile; {@code sink} runs on the calling thread.
     *
     * @return how many memories were handed on
     */
    public long scan(java.util.function.Predicate<Memory> which, java.util.function.Consumer<StoredMemory> sink) {
        readable();
        return exports.scan(which, sink);
    }

    /** Commits the index and truncates the log now (normally done on close and when the log grows). */
    public void checkpoint() {
        writable();
        checkpoints.checkpoint();
    }

    /**
     * Physically removes deleted memories: {@link #forceMerge()}, which rewrites the index without
     * them, commits, drops every log segment (the PUT records hold the text) and releases the old
     * searcher, whose release lets Lucene delete the superseded segment files.
     */
    @Override
    public void compact() {
        forceMerge();
    }

    /** Merges the index down to one segment, physically dropping deleted documents, then commits. */
    public void forceMerge() {
        writable();
        checkpoints.compact();
    }

    @Override
    public void close() {
        if (!index.markClosed()) {
            return;
        }
        try {
            try {
                checkpoints.closing();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing the store in " + dataDir.root()
                        + ": the last commit failed; the write-ahead log will be replayed on next open", e);
            }
            searchers.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the store in " + dataDir.root()
                    + " failed; the write-ahead log will be replayed on next open", e);
        } finally {
            try {
                wal.close();
            } catch (RuntimeException ignored) {
                // already reported above if it matters
            }
            index.abandon(); // closes the writer without a commit: what the last commit missed, the log holds
            search.close();
            dataDir.close();
        }
    }
}
