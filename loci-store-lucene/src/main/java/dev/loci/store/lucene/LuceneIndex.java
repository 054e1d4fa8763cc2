package dev.loci.store.lucene;

import dev.loci.InvalidInputException;
import dev.loci.StorageException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * The Lucene index of a data directory and the state every part of the store shares: the one
 * {@link IndexWriter}, the lock that orders changes to it, the vector dimensions it holds, and
 * whether the store is closed (with the translation of Lucene's failures into
 * {@link StorageException}).
 *
 * <p>A commit records the sequence number of the last log record it contains
 * ({@link #commit}); {@link #committedWalSeq()} reads it back at open, so recovery replays only
 * the records after it.
 *
 * <p>Thread-safe: the writer is; {@link #writeLock} orders the store's changes to it.
 */
final class LuceneIndex {
    private static final String COMMIT_WAL_SEQ = "loci.walSeq";

    /** Held for a log append plus its index update, so both happen in the same order. */
    final ReentrantLock writeLock = new ReentrantLock();
    private final DataDir dataDir;
    private final LuceneStoreConfig.Durability durability;
    private final Directory directory;
    private final LuceneStoreConfig config;
    /** Replaced only by {@link #reopenWriter}, after an I/O error stopped it. */
    private volatile IndexWriter writer;
    private final long committedWalSeq;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int dimensions;

    private LuceneIndex(DataDir dataDir, LuceneStoreConfig config, Directory directory,
            IndexWriter writer, long committedWalSeq) {
        this.dataDir = dataDir;
        this.config = config;
        this.durability = config.durability();
        this.directory = directory;
        this.writer = writer;
        this.committedWalSeq = committedWalSeq;
    }

    /**
     * Opens (creating if needed) the index under {@code dataDir}, reads the log position of its last
     * commit and the vector dimensions it holds, and makes sure the access-count fields exist.
     */
    static LuceneIndex open(DataDir dataDir, LuceneStoreConfig config) throws IOException {
        Directory directory = FSDirectory.open(dataDir.index());
        IndexWriter writer = null;
        try {
            long committedSeq = DirectoryReader.indexExists(directory)
                    ? Long.parseLong(SegmentInfos.readLatestCommit(directory).getUserData().getOrDefault(COMMIT_WAL_SEQ, "0"))
                    : 0;
            writer = new IndexWriter(directory, writerConfig(config));
            var index = new LuceneIndex(dataDir, config, directory, writer, committedSeq);
            index.dimensions = indexedDimensions(writer);
            Accesses.ensureFields(writer);
            return index;
        } catch (IOException | RuntimeException e) {
            try {
                if (writer != null) {
                    writer.rollback();
                }
            } finally {
                directory.close();
            }
            throw e;
        }
    }

    private static IndexWriterConfig writerConfig(LuceneStoreConfig config) {
        ScalarEncoding encoding = switch (config.vectorEncoding()) {
            case INT8 -> ScalarEncoding.UNSIGNED_BYTE;
            case BBQ -> ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE;
        };
        KnnVectorsFormat vectors = new Lucene104HnswScalarQuantizedVectorsFormat(encoding,
                config.hnswMaxConnections(), config.hnswBeamWidth());
        var iwc = new IndexWriterConfig(new EnglishAnalyzer());
        iwc.setCodec(new Lucene104Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return vectors;
            }
        });
        iwc.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
        iwc.setCommitOnClose(false);
        iwc.setRAMBufferSizeMB(64);
        // forceMergeDeletes (compact) then rewrites every segment holding a deleted document, not
        // only those past the default 10% share: a purged memory must not survive in any of them.
        var merges = new TieredMergePolicy();
        merges.setForceMergeDeletesPctAllowed(0);
        iwc.setMergePolicy(merges);
        return iwc;
    }

    private static int indexedDimensions(IndexWriter writer) throws IOException {
        try (DirectoryReader reader = DirectoryReader.open(writer)) {
            for (LeafReaderContext leaf : reader.leaves()) {
                FieldInfo info = leaf.reader().getFieldInfos().fieldInfo(LuceneDocuments.VECTOR);
                if (info != null && info.getVectorDimension() > 0) {
                    return info.getVectorDimension();
                }
            }
        }
        return 0;
    }

    IndexWriter writer() {
        return writer;
    }

    /**
     * Whether the writer stopped on an I/O error (Lucene closes it after a failed flush, a full disk
     * say) while the store is open: {@link #reopenWriter} can start a new one.
     */
    boolean stopped() {
        return !closed.get() && writer.getTragicException() != null;
    }

    /**
     * Starts a new writer on the last commit in place of a stopped one; the caller holds
     * {@link #writeLock} and replays the log records after that commit ({@link #lastCommitWalSeq}).
     */
    void reopenWriter() throws IOException {
        try {
            writer.rollback(); // already closed by Lucene; this only makes sure its lock is released
        } catch (IOException | RuntimeException ignored) {
            // nothing of the stopped writer is kept
        }
        writer = new IndexWriter(directory, writerConfig(config));
    }

    /** The log position the last commit on disk holds. */
    long lastCommitWalSeq() throws IOException {
        return Long.parseLong(SegmentInfos.readLatestCommit(directory).getUserData().getOrDefault(COMMIT_WAL_SEQ, "0"));
    }

    /** Sequence number of the last log record in the commit the index was opened at (0 if none). */
    long committedWalSeq() {
        return committedWalSeq;
    }

    /** Dimensions of the stored vectors, 0 while the index holds none. */
    int dimensions() {
        return dimensions;
    }

    /** The first vector written fixes the dimensions; callers hold {@link #writeLock} (or run alone, in recovery). */
    void noteDimensions(int dims) {
        if (dimensions == 0) {
            dimensions = dims;
        }
    }

    /** Refuses a vector whose dimensions differ from those the index holds. */
    void checkDimensions(int dims, String what) {
        int known = dimensions;
        if (known != 0 && dims != known) {
            throw new InvalidInputException(what, "has " + dims + " dimensions but this store holds "
                    + known + "-dimensional vectors (was the data directory made with another embedding model?)");
        }
    }

    /**
     * Writes the pending access counts into the doc values and commits, recording {@code walSeq}
     * as the last log record the commit holds (under the write-ahead log; a commit-per-write store
     * records only a non-zero one). Returns the accesses written, for the caller to forget once
     * readers show them ({@link Accesses#flushed}).
     */
    Map<String, Accesses.Access> commit(long walSeq, Accesses accesses) {
        try {
            Map<String, Accesses.Access> written;
            writeLock.lock(); // no write may replace a document between reading its access and updating it
            try {
                written = accesses.applyTo(writer);
            } finally {
                writeLock.unlock();
            }
            if (durability == LuceneStoreConfig.Durability.WAL || walSeq > 0) {
                writer.setLiveCommitData(Map.of(COMMIT_WAL_SEQ, Long.toString(walSeq)).entrySet());
            }
            writer.commit();
            return written;
        } catch (IOException | AlreadyClosedException e) {
            throw failure("commit", e);
        }
    }

    /** Marks the store closed; false if it already was. */
    boolean markClosed() {
        return closed.compareAndSet(false, true);
    }

    void ensureOpen() {
        if (closed.get()) {
            throw new StorageException("the store in " + dataDir.root() + " is closed", false);
        }
    }

    /** A Lucene or I/O failure of {@code op} as the store reports it: not retriable once closed. */
    StorageException failure(String op, Exception e) {
        Throwable tragedy = writer.getTragicException();
        if (tragedy != null && !closed.get()) {
            return new StorageException(op + " failed: the index in " + dataDir.root() + " stopped after an I/O error ("
                    + tragedy.getMessage() + "); every acknowledged write is in the write-ahead log, and the store "
                    + "starts the index again on the next call once the disk has room", true, e);
        }
        if (e instanceof AlreadyClosedException || closed.get()) {
            return new StorageException(op + " failed: the store in " + dataDir.root() + " is closed", false, e);
        }
        return new StorageException(op + " failed in " + dataDir.root() + ": " + e.getMessage(), true, e);
    }

    /** Closes the writer without committing (the caller has committed what it keeps). */
    void closeWriter() throws IOException {
        writer.close();
    }

    /** Releases the directory; nothing is left to save by then. */
    void closeDirectory() {
        try {
            directory.close();
        } catch (IOException ignored) {
            // nothing left to save
        }
    }

    /** After a failed open: drops the writer's uncommitted changes and releases the directory. */
    void abandon() {
        try {
            writer.rollback();
        } catch (IOException | RuntimeException ignored) {
            // the open already failed; that failure is the one reported
        }
        closeDirectory();
    }
}
