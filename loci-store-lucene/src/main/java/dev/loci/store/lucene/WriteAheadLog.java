package dev.loci.store.lucene;

import dev.loci.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * An append-only log of store operations with group commit.
 *
 * <p>Segment files are named {@code wal-<first seq>.log}. Each starts with the 8-byte magic
 * {@code LOCIWAL} + NUL and a 4-byte format version, then records:
 * {@code [int payload length][int CRC32C of seq, type and payload][long seq][byte type][payload]}.
 * A record that is cut short or fails its checksum at the end of the last segment is a write that
 * was never acknowledged (the process died before fsync returned); replay drops it and truncates.
 * The same damage anywhere else is corruption and fails the open.
 *
 * <p>Group commit: {@link #append} only writes; {@link #sync} fsyncs, and one fsync covers every
 * record written before it started, so concurrent writers share it. Thread-safe.
 */
final class WriteAheadLog implements AutoCloseable {
    static final byte[] MAGIC = "LOCIWAL\0".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    private static final int HEADER_BYTES = WalSegmentReader.HEADER_BYTES;
    private static final int RECORD_HEADER_BYTES = WalSegmentReader.RECORD_HEADER_BYTES;

    /** One replayed record. */
    record Entry(long seq, byte type, byte[] payload) {
    }

    private final Path dir;
    /**
     * Held by the one caller whose fsync covers the others' records (group commit). A lock that
     * parks its waiters, not a monitor: with dozens of writers waiting out an fsync, a monitor's
     * adaptive spinning burns the cores the embedding model needs.
     */
    private final ReentrantLock syncLock = new ReentrantLock();
    private final java.util.concurrent.atomic.LongAdder fsyncs = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder fsyncNanos = new java.util.concurrent.atomic.LongAdder();
    private FileChannel channel;
    private long bytesInLog;
    /** Where the segment must be cut back to before the next append (a failed write's bytes), -1 if nowhere. */
    private long cutBackTo = -1;
    private long nextSeq;
    private long nextSeqAtSegmentStart;
    private volatile long writtenSeq;
    private volatile long syncedSeq;

    private WriteAheadLog(Path dir) {
        this.dir = dir;
    }

    /**
     * Reads every intact record in {@code dir} (truncating a torn tail), then starts appending
     * to a fresh segment with sequence numbers after {@code max(lastSeqOnDisk, floorSeq)}.
     * The caller replays the returned entries and, once they are safe elsewhere, calls
     * {@link #dropSegmentsBefore}.
     */
    static WriteAheadLog open(Path dir, long floorSeq, List<Entry> replayOut) {
        var log = new WriteAheadLog(dir);
        try {
            Files.createDirectories(dir);
            long last = floorSeq;
            List<Path> segments = segments(dir);
            for (int i = 0; i < segments.size(); i++) {
                last = Math.max(last, readSegment(segments.get(i), i == segments.size() - 1, replayOut));
            }
            log.nextSeq = last + 1;
            log.writtenSeq = last;
            log.syncedSeq = last;
            log.startSegment();
            return log;
        } catch (IOException e) {
            throw new StorageException("cannot open write-ahead log in " + dir + ": " + e.getMessage(), false, e);
        }
    }

    /**
     * Writes a record (not yet durable) and returns its sequence number. When the write fails (a
     * full disk, say) the segment is cut back to where the record began and its sequence number is
     * given back, so the log holds no partial record and no gap; the caller's write is refused.
     */
    synchronized long append(byte type, byte[] payload) {
        long start = bytesInLog;
        cutBackIfNeeded();
        long seq = nextSeq;
        var buf = ByteBuffer.allocate(RECORD_HEADER_BYTES + payload.length);
        buf.putInt(payload.length);
        buf.putInt(checksum(seq, type, payload));
        buf.putLong(seq);
        buf.put(type);
        buf.put(payload);
        buf.flip();
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        } catch (IOException e) {
            cutBackTo = start;
            cutBackIfNeeded();
            throw new StorageException("write-ahead log append failed, nothing written: " + e.getMessage(), true, e);
        }
        nextSeq++;
        bytesInLog += RECORD_HEADER_BYTES + payload.length;
        writtenSeq = seq;
        return seq;
    }

    /** Removes the part of a record whose write failed; refuses appends while it cannot. */
    private void cutBackIfNeeded() {
        if (cutBackTo < 0) {
            return;
        }
        try {
            channel.truncate(cutBackTo);
            channel.position(cutBackTo);
            cutBackTo = -1;
        } catch (IOException e) {
            throw new StorageException("write-ahead log cannot remove a failed write's bytes: " + e.getMessage(), true, e);
        }
    }

    /** Returns once the record {@code seq} and all before it are on stable storage. */
    void sync(long seq) {
        if (syncedSeq >= seq) {
            return;
        }
        syncLock.lock();
        try {
            if (syncedSeq >= seq) {
                return;
            }
            long covered = writtenSeq;
            FileChannel current;
            synchronized (this) {
                current = channel;
            }
            long start = System.nanoTime();
            try {
                current.force(false);
            } catch (IOException e) {
                throw new StorageException("write-ahead log fsync failed: " + e.getMessage(), true, e);
            }
            fsyncNanos.add(System.nanoTime() - start);
            fsyncs.increment();
            syncedSeq = Math.max(syncedSeq, covered);
        } finally {
            syncLock.unlock();
        }
    }

    /** The directory of the segments. */
    Path dir() {
        return dir;
    }

    /** Fsyncs done since the log was opened. */
    long fsyncs() {
        return fsyncs.sum();
    }

    /** Time spent in those fsyncs, in nanoseconds. */
    long fsyncNanos() {
        return fsyncNanos.sum();
    }

    synchronized long bytes() {
        return bytesInLog;
    }

    /** Sequence number of the last record appended. */
    long lastSeq() {
        return writtenSeq;
    }

    /**
     * Closes the current segment (after an fsync) and starts a new one; returns the first
     * sequence number the new segment will hold. Older segments stay until dropped.
     */
    long rotate() {
        syncLock.lock();
        try {
            synchronized (this) {
                try {
                    channel.force(false);
                    syncedSeq = writtenSeq;
                    // The new segment is made before the old is closed: if it cannot be (a full
                    // disk), appends go on in the old one.
                    FileChannel next = newSegment(nextSeq);
                    channel.close();
                    channel = next;
                    nextSeqAtSegmentStart = nextSeq;
                    bytesInLog = HEADER_BYTES;
                    return nextSeq;
                } catch (IOException e) {
                    throw new StorageException("write-ahead log rotation failed: " + e.getMessage(), true, e);
                }
            }
        } finally {
            syncLock.unlock();
        }
    }

    /** Deletes every segment whose records all precede {@code firstKeptSeq}. */
    synchronized void dropSegmentsBefore(long firstKeptSeq) {
        try {
            for (Path p : segments(dir)) {
                if (firstSeqOf(p) < firstKeptSeq && !p.getFileName().toString().equals(currentName())) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot remove old write-ahead log segments: " + e.getMessage(), true, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.force(false);
            channel.close();
        } catch (IOException e) {
            throw new StorageException("closing write-ahead log failed: " + e.getMessage(), true, e);
        }
    }

    private String currentName() {
        return segmentName(nextSeqAtSegmentStart);
    }

    private void startSegment() throws IOException {
        channel = newSegment(nextSeq);
        nextSeqAtSegmentStart = nextSeq;
        bytesInLog = HEADER_BYTES;
    }

    /** Creates the segment whose first record will be {@code firstSeq}, header written and synced. */
    private FileChannel newSegment(long firstSeq) throws IOException {
        Path file = dir.resolve(segmentName(firstSeq));
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            var header = ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).putInt(VERSION).flip();
            while (header.hasRemaining()) {
                ch.write(header);
            }
            ch.force(true);
        } catch (IOException e) {
            ch.close();
            Files.deleteIfExists(file);
            throw e;
        }
        fsyncDirectory(dir);
        return ch;
    }

    private static long readSegment(Path file, boolean last, List<Entry> out) throws IOException {
        try (var ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            WalSegmentReader.Segment segment;
            try {
                segment = WalSegmentReader.read(WalSegmentReader.Source.of(ch), false);
            } catch (dev.loci.FormatVersionException e) {
                throw new dev.loci.FormatVersionException("write-ahead log " + file + ": " + e.getMessage());
            }
            if (!segment.intact()) {
                WalSegmentReader.Damage damage = segment.damage().get(0);
                if (!last || !segment.headerOk() && ch.size() >= WalSegmentReader.HEADER_BYTES) {
                    throw corrupt(file, damage.start(), damage.problem() + (last ? "" : " in a sealed segment"));
                }
                // Damage at the very end of the last segment is a write torn by a crash, never
                // acknowledged (its fsync had not returned): drop it. Intact records after the damage
                // mean it is not a torn tail but corruption, and truncating would lose them.
                WalSegmentReader.Segment salvaged = WalSegmentReader.read(WalSegmentReader.Source.of(ch), true);
                if (salvaged.entries().size() > segment.entries().size()) {
                    throw corrupt(file, damage.start(), damage.problem() + ", with "
                            + (salvaged.entries().size() - segment.entries().size())
                            + " intact records after it (not a torn write)");
                }
                ch.truncate(segment.goodBytes());
                ch.force(true);
            }
            out.addAll(segment.entries());
            return segment.entries().isEmpty() ? -1 : segment.entries().getLast().seq();
        }
    }

    private static StorageException corrupt(Path file, long pos, String what) {
        return new StorageException("write-ahead log " + file + " is corrupt at byte " + pos + ": " + what
                + " (`loci check` reports the damage, `loci repair` keeps what is intact)", false);
    }

    private static int checksum(long seq, byte type, byte[] payload) {
        return WalSegmentReader.checksum(seq, type, payload);
    }

    static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> list = new ArrayList<>(files
                    .filter(p -> p.getFileName().toString().matches("wal-\\d{20}\\.log")).toList());
            list.sort((a, b) -> Long.compare(firstSeqOf(a), firstSeqOf(b)));
            return list;
        }
    }

    static long firstSeqOf(Path p) {
        String name = p.getFileName().toString();
        return Long.parseLong(name.substring(4, 24));
    }

    private static String segmentName(long firstSeq) {
        return String.format("wal-%020d.log", firstSeq);
    }

    static void fsyncDirectory(Path dir) {
        try (var ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems cannot open directories; the file fsync above is what matters
        }
    }
}
