package dev.loci.spi;

import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.Lifecycle;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.StorageException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The persisted binary form of a {@link Memory}, shared by stores and logs.
 *
 * <p>Layout (big-endian): magic {@code 0x4C4D} ("LM"), format version byte, then the fields in
 * declaration order. Strings are length-prefixed UTF-8 (modified UTF-8 is not used, so any text
 * round-trips); nullable values carry a presence byte. Instants are epoch seconds plus nanos.
 * Metadata is written in key order so encoding is deterministic. Version 2 adds the
 * {@link Lifecycle} after the metadata; version 1 records (no lifecycle) still decode, with
 * {@link Lifecycle#NONE}. A golden file per version in the tests pins them. Stateless and
 * thread-safe.
 */
public final class MemoryCodec {
    static final short MAGIC = 0x4C4D;
    /** Current format version written by {@link #encode}. */
    public static final byte VERSION = 2;
    private static final byte V1 = 1;

    private MemoryCodec() {
    }

    public static byte[] encode(Memory m) {
        var bytes = new ByteArrayOutputStream(256 + m.text().length() * 2);
        try (var out = new DataOutputStream(bytes)) {
            out.writeShort(MAGIC);
            out.writeByte(VERSION);
            writeString(out, m.id());
            writeString(out, m.scope().tenant());
            writeNullable(out, m.scope().userId());
            writeNullable(out, m.scope().agentId());
            writeNullable(out, m.scope().sessionId());
            out.writeByte(m.kind().ordinal());
            writeString(out, m.text());
            writeNullable(out, m.role());
            writeNullable(out, m.speaker());
            writeInstant(out, m.occurredAt());
            writeInstant(out, m.recordedAt());
            writeInstant(out, m.validFrom());
            out.writeBoolean(m.validTo() != null);
            if (m.validTo() != null) {
                writeInstant(out, m.validTo());
            }
            writeNullable(out, m.clientId());
            writeList(out, m.sourceIds());
            writeNullable(out, m.parentId());
            writeList(out, m.childIds());
            out.writeInt(m.version());
            out.writeDouble(m.importance());
            var sorted = new TreeMap<>(m.metadata());
            out.writeInt(sorted.size());
            for (var e : sorted.entrySet()) {
                writeString(out, e.getKey());
                writeString(out, e.getValue());
            }
            Lifecycle life = m.lifecycle();
            out.writeInt(life.accessCount());
            writeNullableInstant(out, life.lastAccessedAt());
            writeNullableInstant(out, life.expiresAt());
            out.writeBoolean(life.pinned());
            writeNullable(out, life.supersedes());
            writeNullable(out, life.supersededBy());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen on a byte array
        }
        return bytes.toByteArray();
    }

    /** Decodes bytes written by {@link #encode}; throws {@link StorageException} on corrupt input. */
    public static Memory decode(byte[] data) {
        try (var in = new DataInputStream(new ByteArrayInputStream(data))) {
            short magic = in.readShort();
            if (magic != MAGIC) {
                throw new StorageException("corrupt memory record: bad magic " + Integer.toHexString(magic & 0xFFFF), false);
            }
            byte version = in.readByte();
            if (version != VERSION && version != V1) {
                throw new StorageException("memory record format version " + version
                        + " is not supported (this release reads versions " + V1 + " to " + VERSION + ")", false);
            }
            String id = readString(in);
            var scope = new Scope(readString(in), readNullable(in), readNullable(in), readNullable(in));
            int kindOrdinal = in.readByte();
            if (kindOrdinal < 0 || kindOrdinal >= Kind.values().length) {
                throw new StorageException("corrupt memory record: kind " + kindOrdinal, false);
            }
            Kind kind = Kind.values()[kindOrdinal];
            String text = readString(in);
            String role = readNullable(in);
            String speaker = readNullable(in);
            Instant occurredAt = readInstant(in);
            Instant recordedAt = readInstant(in);
            Instant validFrom = readInstant(in);
            Instant validTo = in.readBoolean() ? readInstant(in) : null;
            String clientId = readNullable(in);
            List<String> sourceIds = readList(in);
            String parentId = readNullable(in);
            List<String> childIds = readList(in);
            int ver = in.readInt();
            double importance = in.readDouble();
            int n = in.readInt();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                metadata.put(readString(in), readString(in));
            }
            Lifecycle life = Lifecycle.NONE;
            if (version >= 2) {
                life = new Lifecycle(in.readInt(), readNullableInstant(in), readNullableInstant(in), in.readBoolean(),
                        readNullable(in), readNullable(in));
            }
            if (in.available() > 0) {
                throw new StorageException("corrupt memory record: " + in.available() + " bytes after the last field", false);
            }
            return new Memory(id, scope, kind, text, role, speaker, occurredAt, recordedAt, validFrom, validTo,
                    clientId, sourceIds, parentId, childIds, ver, importance, metadata, life);
        } catch (IOException e) {
            throw new StorageException("corrupt memory record: " + e, false, e);
        } catch (InvalidInputException | DateTimeException e) { // a damaged field decoded to an invalid value
            throw new StorageException("corrupt memory record: " + e.getMessage(), false, e);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > 64 * 1024 * 1024 || len > in.available()) {
            throw new IOException("bad string length " + len);
        }
        byte[] b = in.readNBytes(len); // unlike readFully, returns short at end of input instead of throwing
        if (b.length != len) {
            throw new EOFException("string of " + len + " bytes cut off after " + b.length);
        }
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            writeString(out, s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? readString(in) : null;
    }

    private static void writeInstant(DataOutputStream out, Instant t) throws IOException {
        out.writeLong(t.getEpochSecond());
        out.writeInt(t.getNano());
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }

    private static void writeNullableInstant(DataOutputStream out, Instant t) throws IOException {
        out.writeBoolean(t != null);
        if (t != null) {
            writeInstant(out, t);
        }
    }

    private static Instant readNullableInstant(DataInputStream in) throws IOException {
        return in.readBoolean() ? readInstant(in) : null;
    }

    private static void writeList(DataOutputStream out, List<String> list) throws IOException {
        out.writeInt(list.size());
        for (String s : list) {
            writeString(out, s);
        }
    }

    private static List<String> readList(DataInputStream in) throws IOException {
        int n = in.readInt();
        // Each element takes at least its 4-byte length: a damaged count fails here instead of
        // allocating a list for it.
        if (n < 0 || n > 10_000_000 || (long) n * Integer.BYTES > in.available()) {
            throw new IOException("bad list length " + n);
        }
        var list = new ArrayList<String>(n);
        for (int i = 0; i < n; i++) {
            list.add(readString(in));
        }
        return list;
    }
}
