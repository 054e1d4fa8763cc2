package dev.loci.store.lucene;

import dev.loci.FormatVersionException;
import dev.loci.Memory;
import dev.loci.StorageException;
import dev.loci.spi.MemoryCodec;
import dev.loci.spi.StoredMemory;
import dev.loci.store.lucene.StoreReport.Level;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.Bits;

/**
 * Rebuilds a damaged data directory from what is intact ({@code loci repair}), top to bottom:
 * <ol>
 *   <li>writes the format marker if it is missing (refuses a directory whose marker names another
 *       format);</li>
 *   <li>moves the index and the log aside, into {@code damaged-<time>/}, untouched: nothing is
 *       deleted, and a repair that stops half-way leaves the old files where they can be put
 *       back;</li>
 *   <li>builds a new index from every live document of the old one that still reads (the damaged
 *       segments Lucene finds are left out of a copy first, and their documents counted as lost);</li>
 *   <li>replays every intact log record after the old index's commit, also those after damaged
 *       bytes (a plain open stops at the first damage);</li>
 *   <li>mends links that name memories which no longer exist ({@link Links}): the links go, the
 *       memories stay;</li>
 *   <li>commits with an empty log, then checks the result ({@link StoreCheck}).</li>
 * </ol>
 * Every step is reported, and so is everything that could not be kept. Profiles, sessions and
 * topics that lost some children are not rebuilt (that needs the embedding model): they keep
 * summarising what they held until the next change to their user or session rebuilds them.
 */
public final class StoreRepair {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final int BATCH = 512;

    private StoreRepair() {
    }

    /**
     * Repairs the data directory {@code dir}, which no process may have open.
     *
     * @throws dev.loci.InvalidInputException naming {@code dataDir} when it is not a directory
     * @throws FormatVersionException        when its format marker names another format
     * @throws dev.loci.DataDirLockedException when another process has the store open
     */
    public static StoreReport repair(Path dir, LuceneStoreConfig config, Clock clock) {
        StoreCheck.requireDirectory(dir);
        var report = new StoreReport.Builder();
        try (DataDir dataDir = DataDir.lockExisting(dir)) {
            writeFormatIfMissing(dir, report);
            Path kept = moveAside(dataDir, clock, report);
            Path oldIndex = kept.resolve("index");
            Path readable = oldIndex;
            if (Files.isDirectory(oldIndex)) {
                var status = IndexScan.checkIndex(oldIndex);
                if (status != null && !status.clean && !status.missingSegments) {
                    readable = kept.resolve("index-readable");
                    copyTree(oldIndex, readable);
                    int lost = IndexScan.dropDamagedSegments(readable);
                    report.add(Level.LOST, "index", lost + " memories in damaged segments cannot be read");
                }
            }
            LuceneIndex index = LuceneIndex.open(dataDir, config);
            try {
                rebuild(dir, index, readable, kept.resolve("wal"), report);
            } finally {
                index.closeWriter();
                index.closeDirectory();
            }
            Files.createDirectories(dataDir.wal());
        } catch (IOException e) {
            throw new StorageException("cannot repair " + dir + ": " + e.getMessage(), false, e);
        }
        StoreReport after = StoreCheck.check(dir);
        report.add(after.ok() ? Level.INFO : Level.ERROR, "check", after.ok()
                ? "the repaired store passes every check"
                : "the repaired store still fails: " + after.lines(Level.ERROR).getFirst());
        return report.build();
    }

    private static void rebuild(Path dir, LuceneIndex index, Path oldIndex, Path oldWal, StoreReport.Builder report)
            throws IOException {
        var writer = index.writer();
        List<StoredMemory> batch = new ArrayList<>();
        IndexScan.Result old = IndexScan.scan(oldIndex, Level.LOST, true, report, m -> {
            batch.add(m);
            if (batch.size() >= BATCH) {
                writeAll(index, batch);
            }
        });
        writeAll(index, batch);
        report.add(Level.REPAIRED, "index", "rebuilt with the " + old.documents() + " memories the old index held");
        var accesses = new Accesses();
        WalScan.Result wal = WalScan.scan(dir, oldWal, old.committedSeq(), true, report);
        long lastSeq = Math.max(0, old.committedSeq());
        int replayed = 0;
        for (WriteAheadLog.Entry e : wal.entries()) {
            if (e.seq() <= old.committedSeq()) {
                continue;
            }
            Recovery.replay(index, accesses, e);
            replayed++;
            lastSeq = Math.max(lastSeq, e.seq());
        }
        if (replayed > 0) {
            report.add(Level.REPAIRED, "wal", replayed + " log records replayed into the new index");
        }
        index.commit(lastSeq, accesses);
        mendLinks(index, report);
        index.commit(lastSeq, new Accesses());
        try (DirectoryReader reader = DirectoryReader.open(writer)) {
            report.add(Level.INFO, "store", reader.numDocs() + " memories after repair");
        }
    }

    private static void writeAll(LuceneIndex index, List<StoredMemory> batch) {
        try {
            for (StoredMemory m : batch) {
                index.noteDimensions(m.embedding().dimensions());
                String key = StoreCheck.key(m.memory());
                index.writer().updateDocuments(Reads.byKey(key),
                        List.of(LuceneDocuments.toDocument(m, MemoryCodec.encode(m.memory()))));
            }
        } catch (IOException e) {
            throw new StorageException("cannot write the rebuilt index: " + e.getMessage(), false, e);
        }
        batch.clear();
    }

    private static void mendLinks(LuceneIndex index, StoreReport.Builder report) throws IOException {
        Map<String, Memory> memories = new HashMap<>();
        try (DirectoryReader reader = DirectoryReader.open(index.writer())) {
            for (LeafReaderContext leaf : reader.leaves()) {
                Bits live = leaf.reader().getLiveDocs();
                for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                    if (live == null || live.get(doc)) {
                        Memory m = StoredDocs.load(leaf.reader(), doc).memory();
                        memories.put(StoreCheck.key(m), m);
                    }
                }
            }
            List<Links.Fix> fixes = Links.mend(memories);
            var searcher = new IndexSearcher(reader);
            for (Links.Fix f : fixes) {
                TopDocs top = searcher.search(Reads.byKey(f.key()), 1);
                int doc = top.scoreDocs[0].doc;
                List<LeafReaderContext> leaves = reader.leaves();
                LeafReaderContext leaf = leaves.get(org.apache.lucene.index.ReaderUtil.subIndex(doc, leaves));
                StoredMemory stored = StoredDocs.load(leaf.reader(), doc - leaf.docBase);
                Memory mended = Accesses.overlay(f.mended(), searcher, doc, null);
                Document d = LuceneDocuments.toDocument(new StoredMemory(mended, stored.embedding(), stored.indexText()),
                        MemoryCodec.encode(mended));
                index.writer().updateDocuments(Reads.byKey(f.key()), List.of(d));
            }
            Links.report(fixes, Level.REPAIRED, report);
        }
    }

    private static void writeFormatIfMissing(Path dir, StoreReport.Builder report) throws IOException {
        Path format = dir.resolve("FORMAT");
        String expected = DataDir.FORMAT_MAGIC + " " + DataDir.FORMAT_VERSION;
        if (Files.exists(format)) {
            String found = Files.readString(format, StandardCharsets.UTF_8).trim();
            if (!found.equals(expected)) {
                throw new FormatVersionException(dir + ": FORMAT reads '" + found + "', expected '" + expected
                        + "'; repair only rebuilds stores of this release's format");
            }
            return;
        }
        Files.writeString(format, expected + "\n", StandardCharsets.UTF_8);
        report.add(Level.REPAIRED, "FORMAT", "was missing; written");
    }

    private static Path moveAside(DataDir dataDir, Clock clock, StoreReport.Builder report) throws IOException {
        String stamp = STAMP.format(clock.instant());
        Path kept = dataDir.root().resolve("damaged-" + stamp);
        for (int n = 2; Files.exists(kept); n++) {
            kept = dataDir.root().resolve("damaged-" + stamp + "-" + n);
        }
        Files.createDirectories(kept);
        for (Path p : List.of(dataDir.index(), dataDir.wal())) {
            if (Files.exists(p)) {
                Files.move(p, kept.resolve(p.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        report.add(Level.REPAIRED, kept.getFileName().toString(), "the index and log as they were are kept here;"
                + " delete this directory once the repaired store serves you well");
        return kept;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
