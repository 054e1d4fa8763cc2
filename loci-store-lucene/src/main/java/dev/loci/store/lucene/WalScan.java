package dev.loci.store.lucene;

import dev.loci.FormatVersionException;
import dev.loci.StorageException;
import dev.loci.store.lucene.StoreReport.Level;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads every segment of a data directory's write-ahead log for {@link StoreCheck} (reporting, in
 * the user's terms, every damaged byte range, undecodable record and gap in the sequence numbers)
 * and for {@link StoreRepair} (keeping every intact record, also those after damage). Changes
 * nothing on disk.
 *
 * <p>Not thread-safe; runs under the data directory's lock.
 */
final class WalScan {
    /**
     * What the log holds.
     *
     * @param entries  the records kept, in sequence order: with salvage every intact, decodable
     *                 record; without, the records an open would replay (up to the first damage)
     * @param segments how many segment files there are
     */
    record Result(List<WriteAheadLog.Entry> entries, int segments) {
    }

    private WalScan() {
    }

    /**
     * Scans the log in {@code walDir}; {@code committedSeq} is the last record the index holds (-1
     * when there is no index). Findings go to {@code report}, naming files relative to {@code root}.
     */
    static Result scan(Path root, Path walDir, long committedSeq, boolean salvage, StoreReport.Builder report)
            throws IOException {
        if (!Files.isDirectory(walDir)) {
            report.add(Level.INFO, "wal", "no log directory (nothing written since the last commit)");
            return new Result(List.of(), 0);
        }
        List<Path> segments = WriteAheadLog.segments(walDir);
        var kept = new ArrayList<WriteAheadLog.Entry>();
        for (int i = 0; i < segments.size(); i++) {
            Path file = segments.get(i);
            String name = root.relativize(file).toString();
            boolean last = i == segments.size() - 1;
            List<WriteAheadLog.Entry> entries;
            try (var ch = FileChannel.open(file, StandardOpenOption.READ)) {
                var src = WalSegmentReader.Source.of(ch);
                WalSegmentReader.Segment plain = WalSegmentReader.read(src, false);
                entries = plain.entries();
                if (!plain.intact()) {
                    WalSegmentReader.Segment salvaged = WalSegmentReader.read(src, true);
                    int after = salvaged.entries().size() - plain.entries().size();
                    WalSegmentReader.Damage first = plain.damage().getFirst();
                    boolean tornTail = last && after == 0 && (plain.headerOk() || ch.size() < WalSegmentReader.HEADER_BYTES);
                    if (tornTail) {
                        report.add(Level.WARNING, name, "the last " + (ch.size() - first.start())
                                + " bytes are a write cut short by a crash (" + first.problem()
                                + "); it was never acknowledged and the next open drops it");
                    } else if (salvage) {
                        for (WalSegmentReader.Damage d : salvaged.damage()) {
                            report.add(Level.LOST, name, "bytes " + d.start() + ".." + d.end() + " (" + d.problem()
                                    + ") are not a readable record; skipped");
                        }
                        entries = salvaged.entries();
                    } else {
                        report.add(Level.ERROR, name, "damaged at byte " + first.start() + " of " + ch.size() + ": "
                                + first.problem() + (after > 0 ? "; " + after + " intact records after it" : "")
                                + (last ? "" : " (a sealed segment)"));
                    }
                }
            } catch (FormatVersionException e) {
                report.add(Level.ERROR, name, e.getMessage());
                continue;
            }
            for (WriteAheadLog.Entry e : entries) {
                String problem = decodeProblem(e);
                if (problem == null) {
                    kept.add(e);
                } else if (salvage) {
                    report.add(Level.LOST, name, "record " + e.seq() + ": " + problem + "; skipped");
                } else {
                    report.add(Level.ERROR, name, "record " + e.seq() + ": " + problem);
                }
            }
        }
        checkSequence(kept, committedSeq, salvage, report);
        long pending = kept.stream().filter(e -> e.seq() > committedSeq).count();
        report.add(Level.INFO, "wal", segments.size() + " segment" + (segments.size() == 1 ? "" : "s") + ", "
                + kept.size() + " readable records, " + pending + " after the index's last commit"
                + (pending > 0 && !salvage ? " (the next open replays them)" : ""));
        return new Result(kept, segments.size());
    }

    /** Sequence numbers run on by one from the commit: a hole is a lost acknowledged write. */
    private static void checkSequence(List<WriteAheadLog.Entry> entries, long committedSeq, boolean salvage,
            StoreReport.Builder report) {
        Level level = salvage ? Level.LOST : Level.ERROR;
        long expected = committedSeq >= 0 ? committedSeq + 1 : entries.isEmpty() ? 0 : entries.getFirst().seq();
        for (WriteAheadLog.Entry e : entries) {
            if (e.seq() <= committedSeq) {
                continue; // already in the index; a segment a crash kept from being dropped
            }
            if (e.seq() > expected) {
                report.add(level, "wal", (e.seq() - 1 == expected ? "record " + expected + " is"
                        : "records " + expected + ".." + (e.seq() - 1) + " are")
                        + " in neither the index nor the log (acknowledged writes missing)");
            } else if (e.seq() < expected) {
                report.add(level, "wal", "record " + e.seq() + " is out of order (after " + (expected - 1) + ")");
                continue;
            }
            expected = e.seq() + 1;
        }
    }

    /** Why the record's payload does not decode, or null if it does. */
    static String decodeProblem(WriteAheadLog.Entry e) {
        try {
            switch (e.type()) {
                case WalRecordFormat.PUT -> WalRecordFormat.decodePut(e.payload());
                case WalRecordFormat.DELETE -> WalRecordFormat.decodeDelete(e.payload());
                case WalRecordFormat.DELETE_WHERE -> WalRecordFormat.decodeDeleteWhere(e.payload());
                case WalRecordFormat.ACCESS -> WalRecordFormat.decodeAccess(e.payload());
                default -> {
                    return "unknown record type " + e.type();
                }
            }
            return null;
        } catch (StorageException ex) {
            return ex.getMessage();
        }
    }
}
