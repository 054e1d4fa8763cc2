package dev.loci.store.lucene;

import dev.loci.Kind;
import dev.loci.Scope;
import dev.loci.StorageException;
import dev.loci.TimeRange;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryCodec;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.StoredMemory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The record format of the {@link WriteAheadLog}: type codes and the payload encoding of each
 * type (the log frames, checksums and sequences them). A PUT carries a whole batch (so a batch is replayed all or
 * nothing), a DELETE one (tenant, id), a DELETE_WHERE the filter whose matches it deleted, an
 * ACCESS the new access counts and last accesses of recalled memories of one tenant (absolute
 * values, so a replay sets rather than adds; {@link Accesses}).
 * Memories use {@link MemoryCodec}; vectors are raw floats.
 *
 * <p>DELETE_WHERE logs the filter, not the ids it matched: the record stays small for a purge of
 * any size, holds no text, and replays to the same result because the log is replayed in order
 * from the state it was written against. Type codes are never reused; a new type is a new code.
 */
final class WalRecordFormat {
    static final byte PUT = 1;
    static final byte DELETE = 2;
    static final byte DELETE_WHERE = 3;
    static final byte ACCESS = 4;

    /** A decoded delete. */
    record Delete(String tenant, String id) {
    }

    /** A decoded access: the memory's new count and last access (epoch microseconds). */
    record AccessEntry(String tenant, String id, int count, long lastMicros) {
    }

    private WalRecordFormat() {
    }

    static byte[] encodeAccess(List<AccessEntry> entries) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            out.writeInt(entries.size());
            for (AccessEntry e : entries) {
                writeString(out, e.tenant());
                writeString(out, e.id());
                out.writeInt(e.count());
                out.writeLong(e.lastMicros());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static List<AccessEntry> decodeAccess(byte[] payload) {
        try (var in = new DataInputStream(new ByteArrayInputStream(payload))) {
            int n = count(in, 4 + 4 + 4 + 8, "access entries");
            var out = new ArrayList<AccessEntry>(n);
            for (int i = 0; i < n; i++) {
                out.add(new AccessEntry(readString(in), readString(in), in.readInt(), in.readLong()));
            }
            if (in.available() > 0) {
                throw new IOException(in.available() + " bytes after the entries");
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new StorageException("corrupt write-ahead log ACCESS record: " + e.getMessage(), false, e);
        }
    }

    static byte[] encodePut(List<StoredMemory> batch) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            out.writeInt(batch.size());
            for (StoredMemory m : batch) {
                byte[] record = MemoryCodec.encode(m.memory());
                out.writeInt(record.length);
                out.write(record);
                float[] v = m.embedding().toArray();
                out.writeInt(v.length);
                for (float f : v) {
                    out.writeFloat(f);
                }
                writeString(out, m.indexText());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen on a byte array
        }
        return bytes.toByteArray();
    }

    static List<StoredMemory> decodePut(byte[] payload) {
        try (var in = new DataInputStream(new ByteArrayInputStream(payload))) {
            int n = count(in, 4 + 4 + 4, "memories");
            var batch = new ArrayList<StoredMemory>(n);
            for (int i = 0; i < n; i++) {
                byte[] record = bytes(in, count(in, 1, "record bytes"));
                float[] v = new float[count(in, Float.BYTES, "vector dimensions")];
                for (int d = 0; d < v.length; d++) {
                    v[d] = in.readFloat();
                }
                batch.add(new StoredMemory(MemoryCodec.decode(record), Embedding.of(v), readString(in)));
            }
            if (in.available() > 0) {
                throw new IOException(in.available() + " bytes after the batch");
            }
            return batch;
        } catch (IOException | RuntimeException e) {
            throw new StorageException("corrupt write-ahead log PUT record: " + e.getMessage(), false, e);
        }
    }

    static byte[] encodeDelete(String tenant, String id) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            writeString(out, tenant);
            writeString(out, id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Delete decodeDelete(byte[] payload) {
        try (var in = new DataInputStream(new ByteArrayInputStream(payload))) {
            var delete = new Delete(readString(in), readString(in));
            if (in.available() > 0) {
                throw new IOException(in.available() + " bytes after the id");
            }
            return delete;
        } catch (IOException | RuntimeException e) {
            throw new StorageException("corrupt write-ahead log DELETE record: " + e.getMessage(), false, e);
        }
    }

    static byte[] encodeDeleteWhere(SearchFilter filter) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            Scope scope = filter.scope();
            writeString(out, scope.tenant());
            writeOptional(out, scope.userId());
            writeOptional(out, scope.agentId());
            writeOptional(out, scope.sessionId());
            List<String> kinds = filter.kinds().stream().map(Kind::name).sorted().toList();
            out.writeInt(kinds.size());
            for (String k : kinds) {
                writeString(out, k);
            }
            TimeRange range = filter.timeRange();
            out.writeBoolean(range != null);
            if (range != null) {
                writeInstant(out, range.from());
                writeInstant(out, range.to());
            }
            var pairs = new TreeMap<>(filter.metadata());
            out.writeInt(pairs.size());
            for (var e : pairs.entrySet()) {
                writeString(out, e.getKey());
                writeString(out, e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static SearchFilter decodeDeleteWhere(byte[] payload) {
        try (var in = new DataInputStream(new ByteArrayInputStream(payload))) {
            var scope = new Scope(readString(in), readOptional(in), readOptional(in), readOptional(in));
            int nKinds = count(in, 4, "kinds");
            Set<Kind> kinds = EnumSet.noneOf(Kind.class);
            for (int i = 0; i < nKinds; i++) {
                kinds.add(Kind.valueOf(readString(in)));
            }
            TimeRange range = in.readBoolean() ? new TimeRange(readInstant(in), readInstant(in)) : null;
            int nPairs = count(in, 8, "metadata pairs");
            Map<String, String> metadata = new TreeMap<>();
            for (int i = 0; i < nPairs; i++) {
                metadata.put(readString(in), readString(in));
            }
            if (in.available() > 0) {
                throw new IOException(in.available() + " bytes after the filter");
            }
            return new SearchFilter(scope, kinds, range, metadata);
        } catch (IOException | RuntimeException e) {
            throw new StorageException("corrupt write-ahead log DELETE_WHERE record: " + e.getMessage(), false, e);
        }
    }

    private static void writeOptional(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            writeString(out, s);
        }
    }

    private static String readOptional(DataInputStream in) throws IOException {
        return in.readBoolean() ? readString(in) : null;
    }

    private static void writeInstant(DataOutputStream out, Instant t) throws IOException {
        out.writeBoolean(t != null);
        if (t != null) {
            out.writeLong(t.getEpochSecond());
            out.writeInt(t.getNano());
        }
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        return new String(bytes(in, count(in, 1, "string bytes")), StandardCharsets.UTF_8);
    }

    /**
     * Reads a count of items of at least {@code minBytes} each and checks that the rest of the
     * payload can hold them: a damaged count fails here instead of allocating for it.
     */
    private static int count(DataInputStream in, int minBytes, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || (long) n * minBytes > in.available()) {
            throw new IOException("count of " + what + " " + n + " does not fit the " + in.available()
                    + " bytes left");
        }
        return n;
    }

    private static byte[] bytes(DataInputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new java.io.EOFException(n + " bytes cut off after " + b.length);
        }
        return b;
    }
}
