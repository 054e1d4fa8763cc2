package dev.loci.store.lucene;

import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.StorageException;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.StoredMemory;
import dev.loci.store.lucene.StoreReport.Level;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Verifies a data directory without changing it ({@code loci check}), top to bottom:
 * <ol>
 *   <li>the format marker ({@code FORMAT}) and the embedding model marker ({@code EMBEDDER});</li>
 *   <li>the index: Lucene's checksums and structure of every segment, then every live document's
 *       record and vector ({@link IndexScan}), no memory stored twice;</li>
 *   <li>the write-ahead log: every segment's header and record checksums, every record's payload,
 *       sequence numbers running on by one from the index's last commit, so no acknowledged write
 *       is in neither ({@link WalScan});</li>
 *   <li>the memories as the next open will see them (the index plus the log records after its
 *       commit): every vector of the index's dimensions, every parent, child and supersession link
 *       naming a memory that exists ({@link Links}).</li>
 * </ol>
 * It takes the data directory's lock, so it cannot run beside a process using the store
 * ({@link dev.loci.DataDirLockedException}): check a {@link StoreBackup backup} of a running store
 * instead.
 */
public final class StoreCheck {
    private StoreCheck() {
    }

    /**
     * Checks the data directory {@code dir}; the report's {@link StoreReport#ok()} says whether it
     * is sound.
     *
     * @throws InvalidInputException         naming {@code dataDir} when it is not a directory
     * @throws dev.loci.DataDirLockedException when another process has the store open
     */
    public static StoreReport check(Path dir) {
        requireDirectory(dir);
        try (DataDir dataDir = DataDir.lockExisting(dir)) {
            var report = new StoreReport.Builder();
            checkMarkers(dir, report);
            Map<String, Memory> memories = new HashMap<>();
            int[] twice = {0};
            IndexScan.Result index = IndexScan.scan(dataDir.index(), Level.ERROR, false, report, m -> {
                if (memories.put(key(m.memory()), outline(m.memory())) != null && ++twice[0] <= 5) {
                    report.add(Level.ERROR, "index", "memory " + m.memory().id() + " of tenant "
                            + m.memory().scope().tenant() + " is stored twice");
                }
            });
            WalScan.Result wal = WalScan.scan(dir, dataDir.wal(), index.committedSeq(), false, report);
            if (!index.present() && !wal.entries().isEmpty() && wal.entries().getFirst().seq() > 1) {
                report.add(Level.ERROR, "index", "without an index, the memories committed before log record "
                        + wal.entries().getFirst().seq() + " are gone (repair rebuilds what the log holds)");
            }
            int dims = applyLog(wal.entries(), index, memories, report);
            checkEmbedderMarker(dir, dims, report);
            if (!index.brokenSegments().isEmpty()) {
                report.add(Level.INFO, "links", "not checked: part of the index cannot be read");
            } else {
                Links.report(Links.mend(memories), Level.ERROR, report);
            }
            summary(memories, report);
            return report.build();
        } catch (IOException e) {
            throw new StorageException("cannot check " + dir + ": " + e.getMessage(), false, e);
        }
    }

    static void requireDirectory(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            throw new InvalidInputException("dataDir", dir + ": no such data directory");
        }
    }

    static String key(Memory m) {
        return LuceneDocuments.key(m.scope().tenant(), m.id());
    }

    /** The memory without its text: the checks need its scope, kind and links only. */
    private static Memory outline(Memory m) {
        return m.toBuilder().text("").build();
    }

    /** Applies the log records after the commit as an open would; returns the vectors' dimensions. */
    private static int applyLog(List<WriteAheadLog.Entry> entries, IndexScan.Result index,
            Map<String, Memory> memories, StoreReport.Builder report) {
        int dims = index.dimensions();
        for (WriteAheadLog.Entry e : entries) {
            if (e.seq() <= index.committedSeq()) {
                continue;
            }
            switch (e.type()) {
                case WalRecordFormat.PUT -> {
                    for (StoredMemory m : WalRecordFormat.decodePut(e.payload())) {
                        if (dims == 0) {
                            dims = m.embedding().dimensions();
                        } else if (m.embedding().dimensions() != dims) {
                            report.add(Level.ERROR, "wal", "record " + e.seq() + ": memory " + m.memory().id()
                                    + " has a " + m.embedding().dimensions() + "-dimensional vector; the store holds "
                                    + dims + "-dimensional ones");
                        }
                        memories.put(key(m.memory()), outline(m.memory()));
                    }
                }
                case WalRecordFormat.DELETE -> {
                    WalRecordFormat.Delete d = WalRecordFormat.decodeDelete(e.payload());
                    memories.remove(LuceneDocuments.key(d.tenant(), d.id()));
                }
                case WalRecordFormat.DELETE_WHERE -> {
                    SearchFilter filter = WalRecordFormat.decodeDeleteWhere(e.payload());
                    memories.values().removeIf(filter::matches);
                }
                default -> {
                    // ACCESS changes counts only
                }
            }
        }
        return dims;
    }

    private static void checkMarkers(Path dir, StoreReport.Builder report) throws IOException {
        Path format = dir.resolve("FORMAT");
        if (!Files.exists(format)) {
            report.add(Level.ERROR, "FORMAT", "missing (every Loci data directory has one; repair writes it)");
            return;
        }
        String found = Files.readString(format, StandardCharsets.UTF_8).trim();
        String expected = DataDir.FORMAT_MAGIC + " " + DataDir.FORMAT_VERSION;
        if (!found.equals(expected)) {
            report.add(Level.ERROR, "FORMAT", "reads '" + found + "', expected '" + expected + "'");
        }
    }

    private static void checkEmbedderMarker(Path dir, int dims, StoreReport.Builder report) throws IOException {
        Path file = dir.resolve("EMBEDDER");
        if (!Files.exists(file) || dims == 0) {
            return;
        }
        String found = Files.readString(file, StandardCharsets.UTF_8).trim();
        String[] parts = found.split(" ");
        String expected = parts[parts.length - 1];
        if (!expected.equals(Integer.toString(dims))) {
            report.add(Level.ERROR, "EMBEDDER", "names model '" + found + "' but the stored vectors have "
                    + dims + " dimensions");
        } else {
            report.add(Level.INFO, "EMBEDDER", found);
        }
    }

    private static void summary(Map<String, Memory> memories, StoreReport.Builder report) {
        Map<Kind, Integer> byKind = new EnumMap<>(Kind.class);
        memories.values().forEach(m -> byKind.merge(m.kind(), 1, Integer::sum));
        var sb = new StringBuilder().append(memories.size()).append(" memories after replay");
        byKind.forEach((k, n) -> sb.append(", ").append(n).append(' ').append(k));
        report.add(Level.INFO, "store", sb.toString());
    }
}
