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
import java.util.stream.Stream;
import java.util.zip.CRC32C;

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
    private static final int HEADER_BYTES = MAGIC.length + Integer.BYTES;
    private static final int RECORD_HEADER_BYTES = Integer.BYTES * 2 + Long.BYTES + 1;
    private static final int MAX_PAYLOAD = 1 << 30;

    /** One replayed record. */
    record Entry(long seq, byte type, byte[] payload) {
    }

    private final Path dir;
    private final Object syncLock = new Object();
    private final java.util.concurrent.atomic.LongAdder fsyncs = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder fsyncNanos = new java.util.concurrent.atomic.LongAdder();
    private FileChannel channel;
    private long bytesInLog;
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

    /** Writes a record (not yet durable) and returns its sequence number. */
    synchronized long append(byte type, byte[] payload) {
        long seq = nextSeq++;
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
            throw new StorageException("write-ahead log append failed: " + e.getMessage(), true, e);
        }
        bytesInLog += RECORD_HEADER_BYTES + payload.length;
        writtenSeq = seq;
        return seq;
    }

    /** Returns once the record {@code seq} and all before it are on stable storage. */
    void sync(long seq) {
        if (syncedSeq >= seq) {
            return;
        }
        synchronized (syncLock) {
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
        }
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
        synchronized (syncLock) {
            synchronized (this) {
                try {
                    channel.force(false);
                    syncedSeq = writtenSeq;
                    channel.close();
                    startSegment();
                    return nextSeq;
                } catch (IOException e) {
                    throw new StorageException("write-ahead log rotation failed: " + e.getMessage(), true, e);
                }
            }
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
        nextSeqAtSegmentStart = nextSeq;
        Path file = dir.resolve(segmentName(nextSeq));
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        var header = ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).putInt(VERSION).flip();
        while (header.hasRemaining()) {
            channel.write(header);
        }
        channel.force(true);
        fsyncDirectory(dir);
        bytesInLog = HEADER_BYTES;
    }

    private static long readSegment(Path file, boolean last, List<Entry> out) throws IOException {
        long lastSeq = -1;
        try (var ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            var header = ByteBuffer.allocate(HEADER_BYTES);
            if (size < HEADER_BYTES) {
                if (!last) {
                    throw corrupt(file, 0, "segment shorter than its header");
                }
                ch.truncate(0);
                return lastSeq;
            }
            ch.read(header, 0);
            header.flip();
            byte[] magic = new byte[MAGIC.length];
            header.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw corrupt(file, 0, "bad magic");
            }
            int version = header.getInt();
            if (version != VERSION) {
                throw new dev.loci.FormatVersionException("write-ahead log " + file + " has format version " + version
                        + "; this release reads version " + VERSION);
            }
            long pos = HEADER_BYTES;
            var recHeader = ByteBuffer.allocate(RECORD_HEADER_BYTES);
            while (pos < size) {
                recHeader.clear();
                int n = ch.read(recHeader, pos);
                boolean torn = n < RECORD_HEADER_BYTES;
                int length = 0;
                int crc = 0;
                long seq = 0;
                byte type = 0;
                byte[] payload = null;
                if (!torn) {
                    recHeader.flip();
                    length = recHeader.getInt();
                    crc = recHeader.getInt();
                    seq = recHeader.getLong();
                    type = recHeader.get();
                    torn = length < 0 || length > MAX_PAYLOAD || pos + RECORD_HEADER_BYTES + length > size;
                }
                if (!torn) {
                    var body = ByteBuffer.allocate(length);
                    while (body.hasRemaining() && ch.read(body, pos + RECORD_HEADER_BYTES + body.position()) > 0) {
                        // keep reading until the payload is complete
                    }
                    payload = body.array();
                    torn = body.hasRemaining() || checksum(seq, type, payload) != crc;
                }
                if (torn) {
                    if (!last) {
                        throw corrupt(file, pos, "damaged record in a sealed segment");
                    }
                    ch.truncate(pos);
                    ch.force(true);
                    return lastSeq;
                }
                out.add(new Entry(seq, type, payload));
                lastSeq = seq;
                pos += RECORD_HEADER_BYTES + length;
            }
        }
        return lastSeq;
    }

    private static StorageException corrupt(Path file, long pos, String what) {
        return new StorageException("write-ahead log " + file + " is corrupt at byte " + pos + ": " + what, false);
    }

    private static int checksum(long seq, byte type, byte[] payload) {
        var crc = new CRC32C();
        crc.update(ByteBuffer.allocate(Long.BYTES + 1).putLong(seq).put(type).flip());
        crc.update(payload);
        return (int) crc.getValue();
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> list = new ArrayList<>(files
                    .filter(p -> p.getFileName().toString().matches("wal-\\d{20}\\.log")).toList());
            list.sort((a, b) -> Long.compare(firstSeqOf(a), firstSeqOf(b)));
            return list;
        }
    }

    private static long firstSeqOf(Path p) {
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
