package dev.loci.store.lucene;

import dev.loci.Memory;
import dev.loci.store.lucene.StoreReport.Level;
import dev.loci.spi.StoredMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/**
 * Reads a data directory's Lucene index for {@link StoreCheck} and {@link StoreRepair}: Lucene's
 * own {@link CheckIndex} (checksums and structure of every segment), the log position of the last
 * commit, then every live document loaded whole ({@link StoredDocs}), handed to a consumer. A
 * document whose record does not decode or whose vector is missing is reported, not handed on.
 *
 * <p>Not thread-safe; runs under the data directory's lock.
 */
final class IndexScan {
    /** Unreadable documents named one by one in a report; the rest are counted. */
    private static final int NAMED = 5;

    /**
     * What the index holds.
     *
     * @param present        whether there is a commit to read
     * @param committedSeq   the last log record the commit holds (-1 without a commit)
     * @param brokenSegments names of the segments Lucene found damaged (their documents cannot be read)
     * @param documents      live documents handed on
     * @param unreadable     live documents that could not be loaded
     * @param dimensions     dimensions of the stored vectors (0 when none)
     */
    record Result(boolean present, long committedSeq, List<String> brokenSegments, long documents, long unreadable,
                  int dimensions) {
    }

    private IndexScan() {
    }

    /** Lucene's check of the index in {@code indexDir}; null when there is no commit to check. */
    static CheckIndex.Status checkIndex(Path indexDir) throws IOException {
        if (!Files.isDirectory(indexDir)) {
            return null;
        }
        try (Directory dir = FSDirectory.open(indexDir)) {
            if (!DirectoryReader.indexExists(dir)) {
                return null;
            }
            try (var ci = new CheckIndex(dir)) {
                return ci.checkIndex();
            }
        }
    }

    /**
     * Rewrites the commit of the index in {@code indexDir} without its damaged segments (their
     * documents are lost); returns how many documents that drops.
     */
    static int dropDamagedSegments(Path indexDir) throws IOException {
        try (Directory dir = FSDirectory.open(indexDir); var ci = new CheckIndex(dir)) {
            CheckIndex.Status status = ci.checkIndex();
            if (status.clean || status.missingSegments) {
                return 0;
            }
            ci.exorciseIndex(status);
            return status.totLoseDocCount;
        }
    }

    /**
     * Checks the index in {@code indexDir} and loads its live documents into {@code sink} (skipped
     * when a segment is damaged and {@code readDamaged} is false). Damage is reported at
     * {@code damageLevel} (ERROR for a check, LOST for a repair).
     */
    static Result scan(Path indexDir, Level damageLevel, boolean readDamaged, StoreReport.Builder report,
            Consumer<StoredMemory> sink) throws IOException {
        CheckIndex.Status status;
        try {
            status = checkIndex(indexDir);
        } catch (IOException | RuntimeException e) {
            report.add(damageLevel, "index", "the last commit cannot be read: " + e.getMessage());
            return new Result(false, -1, List.of(), 0, 0, 0);
        }
        if (status == null || status.missingSegments) {
            report.add(damageLevel, "index", "holds no commit (its segments file is missing or unreadable)");
            return new Result(false, -1, List.of(), 0, 0, 0);
        }
        long committedSeq = Long.parseLong(status.userData == null ? "0"
                : status.userData.getOrDefault("loci.walSeq", "0"));
        List<String> broken = new ArrayList<>();
        for (CheckIndex.Status.SegmentInfoStatus s : status.segmentInfos) {
            if (s.error != null) {
                broken.add(s.name);
                report.add(damageLevel, "index/" + s.name, "segment damaged (" + s.maxDoc + " documents): "
                        + s.error.getMessage());
            }
        }
        if (!broken.isEmpty() && !readDamaged) {
            return new Result(true, committedSeq, broken, 0, 0, 0);
        }
        long documents = 0;
        long unreadable = 0;
        int dimensions = 0;
        Directory dir = FSDirectory.open(indexDir);
        DirectoryReader reader;
        try {
            reader = DirectoryReader.open(dir);
        } catch (IOException | RuntimeException e) {
            dir.close();
            report.add(damageLevel, "index", "cannot be opened for reading: " + e.getMessage());
            return new Result(true, committedSeq, broken, 0, 0, 0);
        }
        try (dir; reader) {
            var searcher = new IndexSearcher(reader);
            for (LeafReaderContext leaf : reader.leaves()) {
                Bits live = leaf.reader().getLiveDocs();
                for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                    if (live != null && !live.get(doc)) {
                        continue;
                    }
                    StoredMemory m;
                    try {
                        m = StoredDocs.load(leaf.reader(), doc);
                        Memory counted = Accesses.overlay(m.memory(), searcher, leaf.docBase + doc, null);
                        m = new StoredMemory(counted, m.embedding(), m.indexText());
                    } catch (IOException | RuntimeException e) {
                        if (++unreadable <= NAMED) {
                            report.add(damageLevel, "index", "document " + doc + " of segment " + segmentName(leaf)
                                    + " cannot be read: " + e.getMessage());
                        }
                        continue;
                    }
                    documents++;
                    if (dimensions == 0) {
                        dimensions = m.embedding().dimensions();
                    }
                    sink.accept(m); // the sink's failures are the caller's, not damage
                }
            }
        }
        if (unreadable > NAMED) {
            report.add(damageLevel, "index", (unreadable - NAMED) + " more documents cannot be read");
        }
        report.add(Level.INFO, "index", status.numSegments + " segment" + (status.numSegments == 1 ? "" : "s") + ", "
                + documents + " memories, last commit holds log records up to " + committedSeq);
        return new Result(true, committedSeq, broken, documents, unreadable, dimensions);
    }

    private static String segmentName(LeafReaderContext leaf) {
        return leaf.reader() instanceof org.apache.lucene.index.SegmentReader s ? s.getSegmentName() : "#" + leaf.ord;
    }
}
