package dev.loci.store.lucene;

import dev.loci.InvalidInputException;
import dev.loci.Memory;
import dev.loci.StorageException;
import dev.loci.spi.AccessRecording;
import dev.loci.spi.Compactable;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryCodec;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchHits;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.StoreHit;
import dev.loci.spi.StoreStats;
import dev.loci.spi.StoredMemory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.DoubleValues;
import org.apache.lucene.search.FullPrecisionFloatVectorSimilarityValuesSource;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.Weight;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

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
 */
public final class LuceneMemoryStore implements MemoryStore, Compactable, AccessRecording {
    private static final System.Logger LOG = System.getLogger(LuceneMemoryStore.class.getName());
    private static final String COMMIT_WAL_SEQ = "loci.walSeq";

    private final LuceneStoreConfig config;
    private final DataDir dataDir;
    private final FSDirectory directory;
    private final Analyzer analyzer = new EnglishAnalyzer();
    private final IndexWriter writer;
    private final SearcherManager searchers;
    /** Visits the segments of one search in parallel; null when searches run on the caller only. */
    private final ExecutorService searchPool;
    private final WriteAheadLog wal;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Object checkpointLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int dimensions;
    /** Bumped after every applied write; readers refresh when they are behind it. */
    private final AtomicLong writeGeneration = new AtomicLong();
    private volatile long searcherGeneration;
    /**
     * Keys written (true) or deleted (false) that the current searcher may not show yet, each with
     * the sequence of its write. {@link #existing} reads them with the searcher so ingest can check
     * its ids without refreshing (which would flush a tiny segment per call); a refresh drops the
     * entries it has made visible.
     */
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong pendingSeq = new AtomicLong();
    private final ReentrantReadWriteLock pendingLock = new ReentrantReadWriteLock();
    /** Past this many pending keys, {@link #existing} refreshes first, to keep the map small. */
    private static final int MAX_PENDING = 50_000;
    /** Recall counts not yet in the index; past {@link #MAX_PENDING_ACCESSES} of them a checkpoint writes them. */
    private final Accesses accesses = new Accesses();
    private static final int MAX_PENDING_ACCESSES = 100_000;

    private record Pending(boolean present, long seq) {
    }

    private LuceneMemoryStore(LuceneStoreConfig config, DataDir dataDir) throws IOException {
        this.config = config;
        this.dataDir = dataDir;
        this.directory = FSDirectory.open(dataDir.index());
        long committedSeq = DirectoryReader.indexExists(directory)
                ? Long.parseLong(SegmentInfos.readLatestCommit(directory).getUserData().getOrDefault(COMMIT_WAL_SEQ, "0"))
                : 0;
        this.writer = new IndexWriter(directory, writerConfig(config));
        var replay = new ArrayList<WriteAheadLog.Entry>();
        this.wal = WriteAheadLog.open(dataDir.wal(), committedSeq, replay);
        this.dimensions = indexedDimensions();
        Accesses.ensureFields(writer);
        int replayed = 0;
        for (WriteAheadLog.Entry e : replay) {
            if (e.seq() > committedSeq) {
                apply(e);
                replayed++;
            }
        }
        long firstKept = wal.rotate();
        commit(wal.lastSeq());
        wal.dropSegmentsBefore(firstKept);
        this.searchPool = config.searchThreads() > 1 ? Executors.newFixedThreadPool(config.searchThreads(),
                Thread.ofPlatform().daemon().name("loci-search-", 0).factory()) : null;
        this.searchers = new SearcherManager(writer, new SearcherFactory() {
            @Override
            public IndexSearcher newSearcher(IndexReader reader, IndexReader previous) {
                return new IndexSearcher(reader, searchPool);
            }
        });
        LOG.log(System.Logger.Level.DEBUG, "opened {0}: replayed {1} log records after commit {2}",
                dataDir.root(), replayed, committedSeq);
    }

    /**
     * Opens (creating if needed) the store in {@code dir}. Throws
     * {@link dev.loci.DataDirLockedException} if another process has it open, and
     * {@link dev.loci.FormatVersionException} if it was written in an unknown format.
     */
    public static LuceneMemoryStore open(Path dir, LuceneStoreConfig config) {
        DataDir dataDir = DataDir.open(dir);
        try {
            return new LuceneMemoryStore(config, dataDir);
        } catch (IOException e) {
            dataDir.close();
            throw new StorageException("cannot open the index in " + dir + ": " + e.getMessage(), false, e);
        } catch (RuntimeException e) {
            dataDir.close();
            throw e;
        }
    }

    private static IndexWriterConfig writerConfig(LuceneStoreConfig config) {
        KnnVectorsFormat vectors = new Lucene104HnswScalarQuantizedVectorsFormat(ScalarEncoding.UNSIGNED_BYTE,
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

    @Override
    public void write(List<StoredMemory> batch) {
        ensureOpen();
        if (batch.isEmpty()) {
            return;
        }
        // Last write of an id within the batch wins, as if written one by one.
        Map<String, StoredMemory> byKey = new LinkedHashMap<>();
        for (StoredMemory m : batch) {
            checkDimensions(m.embedding().dimensions(), "batch vector of memory " + m.memory().id());
            byKey.remove(LuceneDocuments.key(m.memory().scope().tenant(), m.memory().id()));
            byKey.put(LuceneDocuments.key(m.memory().scope().tenant(), m.memory().id()), m);
        }
        List<StoredMemory> unique = List.copyOf(byKey.values());
        List<byte[]> records = unique.stream().map(m -> MemoryCodec.encode(m.memory())).toList();
        List<Document> docs = new ArrayList<>(unique.size());
        for (int i = 0; i < unique.size(); i++) {
            docs.add(LuceneDocuments.toDocument(unique.get(i), records.get(i)));
        }
        byte[] payload = config.durability() == LuceneStoreConfig.Durability.WAL ? WalRecordFormat.encodePut(unique) : null;
        Query replaced = LuceneDocuments.keys(List.copyOf(byKey.keySet()));

        long seq = 0;
        writeLock.lock();
        try {
            ensureOpen();
            if (payload != null) {
                seq = wal.append(WalRecordFormat.PUT, payload);
            }
            writer.updateDocuments(replaced, docs);
            long pendingAt = pendingSeq.incrementAndGet();
            for (String key : byKey.keySet()) {
                pending.put(key, new Pending(true, pendingAt));
                accesses.drop(key); // the written lifecycle carries the counts now
            }
            if (dimensions == 0) {
                dimensions = unique.get(0).embedding().dimensions();
            }
        } catch (IOException | AlreadyClosedException e) {
            throw translate("write", e);
        } finally {
            writeLock.unlock();
        }
        makeDurableAndVisible(seq);
    }

    @Override
    public Optional<Memory> get(String tenant, String id) {
        ensureOpen();
        // Read before the searcher: a commit that moves it into the index refreshes first.
        Accesses.Access unindexed = accesses.pending(LuceneDocuments.key(tenant, id));
        IndexSearcher searcher = acquire();
        try {
            TopDocs top = searcher.search(new TermQuery(new Term(LuceneDocuments.KEY, LuceneDocuments.key(tenant, id))), 1);
            if (top.scoreDocs.length == 0) {
                return Optional.empty();
            }
            return Optional.of(load(searcher, top.scoreDocs[0].doc, unindexed));
        } catch (IOException | AlreadyClosedException e) {
            throw translate("get", e);
        } finally {
            release(searcher);
        }
    }

    @Override
    public Set<String> existing(String tenant, Collection<String> ids) {
        ensureOpen();
        if (pending.size() > MAX_PENDING) {
            release(acquire()); // refreshes, and so empties the map
        }
        Set<String> out = new HashSet<>();
        pendingLock.readLock().lock();
        IndexSearcher searcher = null;
        try {
            searcher = searchers.acquire();
            for (String id : ids) {
                Pending p = pending.get(LuceneDocuments.key(tenant, id));
                boolean present = p != null ? p.present()
                        : searcher.count(new TermQuery(new Term(LuceneDocuments.KEY, LuceneDocuments.key(tenant, id)))) > 0;
                if (present) {
                    out.add(id);
                }
            }
            return out;
        } catch (IOException | AlreadyClosedException e) {
            throw translate("read", e);
        } finally {
            if (searcher != null) {
                release(searcher);
            }
            pendingLock.readLock().unlock();
        }
    }

    @Override
    public boolean delete(String tenant, String id) {
        if (get(tenant, id).isEmpty()) {
            return false;
        }
        long seq = 0;
        writeLock.lock();
        try {
            ensureOpen();
            if (config.durability() == LuceneStoreConfig.Durability.WAL) {
                seq = wal.append(WalRecordFormat.DELETE, WalRecordFormat.encodeDelete(tenant, id));
            }
            writer.deleteDocuments(new Term(LuceneDocuments.KEY, LuceneDocuments.key(tenant, id)));
            pending.put(LuceneDocuments.key(tenant, id), new Pending(false, pendingSeq.incrementAndGet()));
            accesses.drop(LuceneDocuments.key(tenant, id));
        } catch (IOException | AlreadyClosedException e) {
            throw translate("delete", e);
        } finally {
            writeLock.unlock();
        }
        makeDurableAndVisible(seq);
        return true;
    }

    @Override
    public List<Memory> deleteMatching(SearchFilter filter) {
        ensureOpen();
        if (filter.visibleAt() != null) {
            throw new IllegalArgumentException("deleteMatching takes no visibleAt filter (deletes are by what is stored)");
        }
        Query query = LuceneDocuments.filter(filter);
        byte[] payload = config.durability() == LuceneStoreConfig.Durability.WAL ? WalRecordFormat.encodeDeleteWhere(filter) : null;
        List<Memory> deleted;
        long seq = 0;
        writeLock.lock();
        try {
            ensureOpen();
            // Under the write lock nothing can be written between finding the matches and deleting
            // them, and a refresh started here shows every write applied before it.
            searchers.maybeRefreshBlocking();
            IndexSearcher searcher = searchers.acquire();
            try {
                deleted = matching(searcher, query, Integer.MAX_VALUE);
            } finally {
                release(searcher);
            }
            if (deleted.isEmpty()) {
                return deleted;
            }
            if (payload != null) {
                seq = wal.append(WalRecordFormat.DELETE_WHERE, payload);
            }
            writer.deleteDocuments(query);
            // existing() answers from these until the next refresh shows the delete.
            long pendingAt = pendingSeq.incrementAndGet();
            for (Memory m : deleted) {
                pending.put(LuceneDocuments.key(m.scope().tenant(), m.id()), new Pending(false, pendingAt));
                accesses.drop(LuceneDocuments.key(m.scope().tenant(), m.id()));
            }
        } catch (IOException | AlreadyClosedException e) {
            throw translate("delete", e);
        } finally {
            writeLock.unlock();
        }
        makeDurableAndVisible(seq);
        return deleted;
    }

    @Override
    public long count(SearchFilter filter) {
        ensureOpen();
        Query query = LuceneDocuments.filter(filter);
        IndexSearcher searcher = acquire();
        try {
            return searcher.count(query);
        } catch (IOException | AlreadyClosedException e) {
            throw translate("count", e);
        } finally {
            release(searcher);
        }
    }

    @Override
    public List<Memory> list(SearchFilter filter, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        ensureOpen();
        var order = new Sort(new SortField(LuceneDocuments.OCCURRED, SortField.Type.LONG),
                new SortField(LuceneDocuments.ID, SortField.Type.STRING));
        IndexSearcher searcher = acquire();
        try {
            int n = Math.min(limit, Math.max(1, searcher.getIndexReader().maxDoc()));
            TopDocs top = searcher.search(LuceneDocuments.filter(filter), n, order);
            var out = new ArrayList<Memory>(top.scoreDocs.length);
            for (ScoreDoc sd : top.scoreDocs) {
                out.add(load(searcher, sd.doc, null));
            }
            return out;
        } catch (IOException | AlreadyClosedException e) {
            throw translate("list", e);
        } finally {
            release(searcher);
        }
    }

    @Override
    public List<Memory> expired(Instant at, int limit) {
        ensureOpen();
        IndexSearcher searcher = acquire();
        try {
            return matching(searcher, LuceneDocuments.expired(at), limit);
        } catch (IOException | AlreadyClosedException e) {
            throw translate("list expired", e);
        } finally {
            release(searcher);
        }
    }

    @Override
    public Map<String, Embedding> vectors(String tenant, Collection<String> ids) {
        ensureOpen();
        IndexSearcher searcher = acquire();
        try {
            Map<String, Embedding> out = new LinkedHashMap<>();
            List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
            for (String id : ids) {
                TopDocs top = searcher.search(new TermQuery(new Term(LuceneDocuments.KEY, LuceneDocuments.key(tenant, id))), 1);
                if (top.scoreDocs.length == 0) {
                    continue;
                }
                int doc = top.scoreDocs[0].doc;
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
                FloatVectorValues values = leaf.reader().getFloatVectorValues(LuceneDocuments.VECTOR);
                if (values == null) {
                    throw new StorageException("index document of " + id + " has no vector", false);
                }
                KnnVectorValues.DocIndexIterator it = values.iterator();
                if (it.advance(doc - leaf.docBase) != doc - leaf.docBase) {
                    throw new StorageException("index document of " + id + " has no vector", false);
                }
                out.put(id, Embedding.of(values.vectorValue(it.index())));
            }
            return out;
        } catch (IOException | AlreadyClosedException e) {
            throw translate("vectors", e);
        } finally {
            release(searcher);
        }
    }

    /**
     * Counts one recall of each memory: logs the new absolute counts (appended, not fsynced: see
     * the class notes for what a crash can lose) and keeps them for reads until the next commit
     * writes them into the index. Rewrites and refreshes nothing.
     */
    @Override
    public void recordAccess(String tenant, Collection<String> ids, Instant at) {
        ensureOpen();
        if (ids.isEmpty()) {
            return;
        }
        long atMicros = LuceneDocuments.micros(at);
        writeLock.lock();
        try {
            ensureOpen();
            Map<String, Accesses.Access> updated = new LinkedHashMap<>();
            IndexSearcher searcher = acquire();
            try {
                for (String id : ids) {
                    String key = LuceneDocuments.key(tenant, id);
                    Accesses.Access current = updated.containsKey(key) ? updated.get(key) : current(searcher, key);
                    if (current != null) {
                        updated.put(key, current.accessed(atMicros));
                    }
                }
            } finally {
                release(searcher);
            }
            if (updated.isEmpty()) {
                return;
            }
            if (config.durability() == LuceneStoreConfig.Durability.WAL) {
                var entries = new ArrayList<WalRecordFormat.AccessEntry>(updated.size());
                updated.forEach((key, a) -> entries.add(new WalRecordFormat.AccessEntry(tenant,
                        key.substring(key.indexOf('\u0000') + 1), a.count(), a.lastMicros())));
                wal.append(WalRecordFormat.ACCESS, WalRecordFormat.encodeAccess(entries));
            }
            updated.forEach(accesses::put);
        } catch (IOException | AlreadyClosedException e) {
            throw translate("record access", e);
        } finally {
            writeLock.unlock();
        }
        if (accesses.size() > MAX_PENDING_ACCESSES || (config.durability() == LuceneStoreConfig.Durability.WAL
                && wal.bytes() > config.walBytesBeforeCommit())) {
            checkpoint();
        }
    }

    /** The current access of the key (pending, else indexed, else its record's), or null if absent. */
    private Accesses.Access current(IndexSearcher searcher, String key) throws IOException {
        TopDocs top = searcher.search(new TermQuery(new Term(LuceneDocuments.KEY, key)), 1);
        if (top.scoreDocs.length == 0) {
            return null;
        }
        int doc = top.scoreDocs[0].doc;
        Accesses.Access indexed = Accesses.indexed(searcher, doc);
        Accesses.Access base = indexed != null ? indexed : Accesses.Access.of(decode(searcher, doc));
        return base.max(accesses.pending(key));
    }

    @Override
    public SearchHits search(SearchRequest request) {
        ensureOpen();
        Query filter = LuceneDocuments.filter(request.filter());
        IndexSearcher searcher = acquire();
        try {
            List<StoreHit> lexical = List.of();
            Query text = request.lexicalTopN() > 0 ? LuceneDocuments.lexical(analyzer, request.text()) : null;
            if (text != null) {
                Query q = new BooleanQuery.Builder().add(text, Occur.MUST).add(filter, Occur.FILTER).build();
                lexical = hits(searcher, searcher.search(q, request.lexicalTopN()), false);
            }
            List<StoreHit> dense = List.of();
            if (request.denseTopN() > 0 && dimensions > 0) {
                checkDimensions(request.vector().dimensions(), "query vector");
                float[] target = request.vector().toArray();
                int candidates = (int) Math.ceil(request.denseTopN() * config.denseOversample());
                Query knn = new KnnFloatVectorQuery(LuceneDocuments.VECTOR, target, candidates, filter);
                dense = hits(searcher, rescore(searcher, searcher.search(knn, candidates), target,
                        request.denseTopN()), true);
            }
            return new SearchHits(lexical, dense);
        } catch (IOException | AlreadyClosedException e) {
            throw translate("search", e);
        } finally {
            release(searcher);
        }
    }

    @Override
    public StoreStats stats() {
        ensureOpen();
        IndexSearcher searcher = acquire();
        try {
            var reader = searcher.getIndexReader();
            return new StoreStats(reader.numDocs(), dataDir.diskBytes(), Map.of(
                    "store", "lucene",
                    "formatVersion", Integer.toString(DataDir.FORMAT_VERSION),
                    "durability", config.durability().name(),
                    "segments", Integer.toString(reader.leaves().size()),
                    "walBytes", Long.toString(wal.bytes()),
                    "vectorDimensions", Integer.toString(dimensions)));
        } finally {
            release(searcher);
        }
    }

    /** Commits the index and truncates the log now (normally done on close and when the log grows). */
    public void checkpoint() {
        ensureOpen();
        synchronized (checkpointLock) {
            long seq;
            long firstKept;
            writeLock.lock();
            try {
                seq = wal.lastSeq();
                firstKept = wal.rotate();
            } finally {
                writeLock.unlock();
            }
            commit(seq);
            wal.dropSegmentsBefore(firstKept);
        }
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
        ensureOpen();
        try {
            writer.forceMergeDeletes(true);
            writer.forceMerge(1, true);
        } catch (IOException e) {
            throw translate("force merge", e);
        }
        checkpoint();
        refresh();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            synchronized (checkpointLock) {
                long seq = wal.lastSeq();
                long firstKept = wal.rotate();
                commit(seq);
                wal.dropSegmentsBefore(firstKept);
            }
            searchers.close();
            writer.close();
            if (searchPool != null) {
                searchPool.shutdown();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the store in " + dataDir.root()
                    + " failed; the write-ahead log will be replayed on next open", e);
        } finally {
            try {
                wal.close();
            } catch (RuntimeException ignored) {
                // already reported above if it matters
            }
            try {
                directory.close();
            } catch (IOException ignored) {
                // nothing left to save
            }
            analyzer.close();
            dataDir.close();
        }
    }

    private void makeDurableAndVisible(long seq) {
        if (config.durability() == LuceneStoreConfig.Durability.WAL) {
            wal.sync(seq);
        } else {
            commit(0);
        }
        // Visibility is lazy: the next read refreshes once for however many writes came before it,
        // so a burst of small writes costs one searcher refresh, not one each.
        writeGeneration.incrementAndGet();
        if (config.durability() == LuceneStoreConfig.Durability.WAL && wal.bytes() > config.walBytesBeforeCommit()) {
            checkpoint();
        }
    }

    private void commit(long walSeq) {
        try {
            Map<String, Accesses.Access> written;
            writeLock.lock(); // no write may replace a document between reading its access and updating it
            try {
                written = accesses.applyTo(writer);
            } finally {
                writeLock.unlock();
            }
            if (config.durability() == LuceneStoreConfig.Durability.WAL || walSeq > 0) {
                writer.setLiveCommitData(Map.of(COMMIT_WAL_SEQ, Long.toString(walSeq)).entrySet());
            }
            writer.commit();
            if (!written.isEmpty()) {
                if (searchers != null) {
                    searchers.maybeRefreshBlocking(); // readers see the doc values before the map forgets them
                }
                accesses.flushed(written);
            }
        } catch (IOException | AlreadyClosedException e) {
            throw translate("commit", e);
        }
    }

    private void refresh() {
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException | AlreadyClosedException e) {
            throw translate("refresh", e);
        }
    }

    private void apply(WriteAheadLog.Entry e) throws IOException {
        switch (e.type()) {
            case WalRecordFormat.PUT -> {
                List<StoredMemory> batch = WalRecordFormat.decodePut(e.payload());
                List<Document> docs = new ArrayList<>(batch.size());
                List<String> keys = new ArrayList<>(batch.size());
                for (StoredMemory m : batch) {
                    docs.add(LuceneDocuments.toDocument(m, MemoryCodec.encode(m.memory())));
                    keys.add(LuceneDocuments.key(m.memory().scope().tenant(), m.memory().id()));
                    if (dimensions == 0) {
                        dimensions = m.embedding().dimensions();
                    }
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
            case WalRecordFormat.DELETE_WHERE -> writer.deleteDocuments(LuceneDocuments.filter(WalRecordFormat.decodeDeleteWhere(e.payload())));
            default -> throw new StorageException("write-ahead log record " + e.seq() + " has unknown type "
                    + e.type(), false);
        }
    }

    private int indexedDimensions() throws IOException {
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

    private void checkDimensions(int dims, String what) {
        int known = dimensions;
        if (known != 0 && dims != known) {
            throw new InvalidInputException(what, "has " + dims + " dimensions but this store holds "
                    + known + "-dimensional vectors (was the data directory made with another embedding model?)");
        }
    }

    /**
     * Re-ranks quantized kNN candidates by their full-precision similarity (the quantized format
     * keeps the float vectors) and keeps the best {@code n}.
     */
    private static TopDocs rescore(IndexSearcher searcher, TopDocs candidates, float[] target, int n)
            throws IOException {
        var source = new FullPrecisionFloatVectorSimilarityValuesSource(target, LuceneDocuments.VECTOR,
                LuceneDocuments.SIMILARITY);
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        var rescored = new ArrayList<ScoreDoc>(candidates.scoreDocs.length);
        ScoreDoc[] byDoc = candidates.scoreDocs.clone();
        java.util.Arrays.sort(byDoc, (a, b) -> Integer.compare(a.doc, b.doc));
        LeafReaderContext leaf = null;
        DoubleValues values = null;
        for (ScoreDoc sd : byDoc) {
            if (leaf == null || sd.doc >= leaf.docBase + leaf.reader().maxDoc()) {
                leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
                values = source.getValues(leaf, null);
            }
            float exact = values.advanceExact(sd.doc - leaf.docBase) ? (float) values.doubleValue() : sd.score;
            rescored.add(new ScoreDoc(sd.doc, exact));
        }
        rescored.sort((a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.doc, b.doc));
        var top = rescored.subList(0, Math.min(n, rescored.size())).toArray(new ScoreDoc[0]);
        return new TopDocs(candidates.totalHits, top);
    }

    private static List<StoreHit> hits(IndexSearcher searcher, TopDocs top, boolean similarity) throws IOException {
        var out = new ArrayList<StoreHit>(top.scoreDocs.length);
        for (ScoreDoc sd : top.scoreDocs) {
            // DOT_PRODUCT scores are (1 + cos) / 2; report the cosine itself.
            double score = similarity ? 2.0 * sd.score - 1.0 : sd.score;
            out.add(new StoreHit(loadId(searcher, sd.doc), score));
        }
        return out;
    }

    private static String loadId(IndexSearcher searcher, int doc) throws IOException {
        // The id is kept as doc values: reading it does not decompress the stored record.
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        var ids = leaf.reader().getSortedDocValues(LuceneDocuments.ID);
        if (ids == null || !ids.advanceExact(doc - leaf.docBase)) {
            throw new StorageException("index document " + doc + " has no id", false);
        }
        return ids.lookupOrd(ids.ordValue()).utf8ToString();
    }

    /** Up to {@code limit} live documents the query matches, loaded (scoring skipped). */
    private List<Memory> matching(IndexSearcher searcher, Query query, int limit) throws IOException {
        Weight weight = searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1f);
        var out = new ArrayList<Memory>();
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            Scorer scorer = weight.scorer(leaf);
            if (scorer == null) {
                continue;
            }
            Bits live = leaf.reader().getLiveDocs();
            DocIdSetIterator docs = scorer.iterator();
            for (int doc = docs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.nextDoc()) {
                if (out.size() >= limit) {
                    return out;
                }
                if (live == null || live.get(doc)) {
                    out.add(load(searcher, leaf.docBase + doc, null));
                }
            }
        }
        return out;
    }

    /** The memory in the document, with its current access count ({@link Accesses}). */
    private Memory load(IndexSearcher searcher, int doc, Accesses.Access unindexed) throws IOException {
        Memory m = decode(searcher, doc);
        Accesses.Access pending = accesses.pending(LuceneDocuments.key(m.scope().tenant(), m.id()));
        return Accesses.overlay(m, searcher, doc, pending == null ? unindexed : pending.max(unindexed));
    }

    private static Memory decode(IndexSearcher searcher, int doc) throws IOException {
        Document d = searcher.storedFields().document(doc, java.util.Set.of(LuceneDocuments.RECORD));
        var bytes = d.getBinaryValue(LuceneDocuments.RECORD);
        return MemoryCodec.decode(java.util.Arrays.copyOfRange(bytes.bytes, bytes.offset, bytes.offset + bytes.length));
    }

    private IndexSearcher acquire() {
        try {
            long wanted = writeGeneration.get();
            if (searcherGeneration < wanted || pending.size() > MAX_PENDING) {
                long visibleUpTo = pendingSeq.get();
                searchers.maybeRefreshBlocking();
                synchronized (this) {
                    searcherGeneration = Math.max(searcherGeneration, wanted);
                }
                pendingLock.writeLock().lock();
                try {
                    pending.values().removeIf(p -> p.seq() <= visibleUpTo);
                } finally {
                    pendingLock.writeLock().unlock();
                }
            }
            return searchers.acquire();
        } catch (IOException | AlreadyClosedException e) {
            throw translate("read", e);
        }
    }

    private void release(IndexSearcher searcher) {
        try {
            searchers.release(searcher);
        } catch (IOException e) {
            throw translate("read", e);
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new StorageException("the store in " + dataDir.root() + " is closed", false);
        }
    }

    private StorageException translate(String op, Exception e) {
        if (e instanceof AlreadyClosedException || closed.get()) {
            return new StorageException(op + " failed: the store in " + dataDir.root() + " is closed", false, e);
        }
        return new StorageException(op + " failed in " + dataDir.root() + ": " + e.getMessage(), true, e);
    }
}
