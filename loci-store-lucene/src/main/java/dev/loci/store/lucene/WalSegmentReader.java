package dev.loci.store.lucene;

import dev.loci.FormatVersionException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Parses one write-ahead log segment ({@link WriteAheadLog} has the layout) without changing it:
 * the log's open, {@link StoreCheck} and {@link StoreRepair} read segments through here, and the
 * fuzz tests feed it random bytes.
 *
 * <p>A payload buffer is allocated only once the file is known to hold that many bytes after the
 * record header, so a damaged length can never ask for more memory than the file's size. Damage
 * is returned, not thrown: the caller decides whether it is a torn tail or corruption. With
 * {@code salvage}, parsing goes on after damage at the next position where a whole record with a
 * valid checksum starts (what {@link StoreRepair} keeps of a damaged segment).
 *
 * <p>Stateless; a {@link Source} is read by one thread at a time.
 */
final class WalSegmentReader {
    static final int HEADER_BYTES = WriteAheadLog.MAGIC.length + Integer.BYTES;
    static final int RECORD_HEADER_BYTES = Integer.BYTES * 2 + Long.BYTES + 1;
    static final int MAX_PAYLOAD = 1 << 30;

    /** Positional reads of a segment's bytes: a file, or a byte array in tests. */
    interface Source {
        long size() throws IOException;

        /** Reads into {@code dst} from {@code position}; the number of bytes read, -1 at the end. */
        int read(ByteBuffer dst, long position) throws IOException;

        static Source of(FileChannel channel) {
            return new Source() {
                @Override
                public long size() throws IOException {
                    return channel.size();
                }

                @Override
                public int read(ByteBuffer dst, long position) throws IOException {
                    return channel.read(dst, position);
                }
            };
        }

        static Source of(byte[] bytes) {
            return new Source() {
                @Override
                public long size() {
                    return bytes.length;
                }

                @Override
                public int read(ByteBuffer dst, long position) {
                    if (position >= bytes.length) {
                        return -1;
                    }
                    int n = (int) Math.min(dst.remaining(), bytes.length - position);
                    dst.put(bytes, (int) position, n);
                    return n;
                }
            };
        }
    }

    /** Bytes that do not parse as a record: from {@code start} to {@code end} (exclusive). */
    record Damage(long start, long end, String problem) {
    }

    /**
     * What a segment holds.
     *
     * @param entries    the intact records, in file order
     * @param goodBytes  where the intact prefix ends (the whole size when nothing is damaged)
     * @param damage     damaged ranges in file order; empty when the segment is intact. Without
     *                   salvage at most one, running to the end of the file
     * @param headerOk   whether the segment header (magic) was intact
     */
    record Segment(List<WriteAheadLog.Entry> entries, long goodBytes, List<Damage> damage, boolean headerOk) {
        boolean intact() {
            return damage.isEmpty();
        }
    }

    private WalSegmentReader() {
    }

    /**
     * Reads a segment. Throws {@link FormatVersionException} for a segment of another format
     * version (not damage: a later release wrote it).
     */
    static Segment read(Source src, boolean salvage) throws IOException {
        long size = src.size();
        var entries = new ArrayList<WriteAheadLog.Entry>();
        var damage = new ArrayList<Damage>();
        if (size < HEADER_BYTES) {
            damage.add(new Damage(0, size, "segment shorter than its " + HEADER_BYTES + "-byte header"));
            return new Segment(entries, 0, damage, false);
        }
        var header = ByteBuffer.allocate(HEADER_BYTES);
        readFully(src, header, 0);
        header.flip();
        byte[] magic = new byte[WriteAheadLog.MAGIC.length];
        header.get(magic);
        boolean headerOk = Arrays.equals(magic, WriteAheadLog.MAGIC);
        if (!headerOk) {
            damage.add(new Damage(0, salvage ? HEADER_BYTES : size, "bad magic (not a write-ahead log segment)"));
            if (!salvage) {
                return new Segment(entries, 0, damage, false);
            }
        } else {
            int version = header.getInt();
            if (version != WriteAheadLog.VERSION) {
                throw new FormatVersionException("write-ahead log segment has format version " + version
                        + "; this release reads version " + WriteAheadLog.VERSION);
            }
        }
        long pos = HEADER_BYTES;
        long goodBytes = headerOk ? -1 : 0;
        while (pos < size) {
            Parsed p = parseAt(src, pos, size);
            if (p.entry != null) {
                entries.add(p.entry);
                pos = p.next;
                continue;
            }
            if (goodBytes < 0) {
                goodBytes = pos;
            }
            if (!salvage) {
                damage.add(new Damage(pos, size, p.problem));
                return new Segment(entries, goodBytes, damage, headerOk);
            }
            long resume = nextRecordStart(src, pos + 1, size);
            damage.add(new Damage(pos, resume, p.problem));
            pos = resume;
        }
        return new Segment(entries, goodBytes < 0 ? size : goodBytes, damage, headerOk);
    }

    /** A record parsed at a position: the entry and where the next starts, or why it is not one. */
    private record Parsed(WriteAheadLog.Entry entry, long next, String problem) {
    }

    private static Parsed parseAt(Source src, long pos, long size) throws IOException {
        var recHeader = ByteBuffer.allocate(RECORD_HEADER_BYTES);
        int n = readFully(src, recHeader, pos);
        if (n < RECORD_HEADER_BYTES) {
            return new Parsed(null, pos, "record header cut off after " + n + " of " + RECORD_HEADER_BYTES + " bytes");
        }
        recHeader.flip();
        int length = recHeader.getInt();
        int crc = recHeader.getInt();
        long seq = recHeader.getLong();
        byte type = recHeader.get();
        if (length < 0 || length > MAX_PAYLOAD) {
            return new Parsed(null, pos, "record length " + length + " is out of range");
        }
        if (pos + RECORD_HEADER_BYTES + length > size) {
            return new Parsed(null, pos, "record of " + length + " bytes cut off at the end of the file");
        }
        var body = ByteBuffer.allocate(length);
        readFully(src, body, pos + RECORD_HEADER_BYTES);
        if (body.hasRemaining()) {
            return new Parsed(null, pos, "record of " + length + " bytes cut off at the end of the file");
        }
        byte[] payload = body.array();
        if (checksum(seq, type, payload) != crc) {
            return new Parsed(null, pos, "checksum mismatch");
        }
        return new Parsed(new WriteAheadLog.Entry(seq, type, payload), pos + RECORD_HEADER_BYTES + length, null);
    }

    /** The first position at or after {@code from} where a whole record with a valid checksum starts, else {@code size}. */
    private static long nextRecordStart(Source src, long from, long size) throws IOException {
        for (long p = from; p + RECORD_HEADER_BYTES <= size; p++) {
            if (parseAt(src, p, size).entry != null) {
                return p;
            }
        }
        return size;
    }

    private static int readFully(Source src, ByteBuffer dst, long pos) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
            int n = src.read(dst, pos + total);
            if (n <= 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    static int checksum(long seq, byte type, byte[] payload) {
        var crc = new CRC32C();
        crc.update(ByteBuffer.allocate(Long.BYTES + 1).putLong(seq).put(type).flip());
        crc.update(payload);
        return (int) crc.getValue();
    }
}
