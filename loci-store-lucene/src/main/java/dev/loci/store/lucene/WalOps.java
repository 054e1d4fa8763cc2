package dev.loci.store.lucene;

import dev.loci.StorageException;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryCodec;
import dev.loci.spi.StoredMemory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Payloads of write-ahead log records: a PUT carries a whole batch (so a batch is replayed all or
 * nothing), a DELETE one (tenant, id). Memories use {@link MemoryCodec}; vectors are raw floats.
 */
final class WalOps {
    static final byte PUT = 1;
    static final byte DELETE = 2;

    /** A decoded delete. */
    record Delete(String tenant, String id) {
    }

    private WalOps() {
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
            int n = in.readInt();
            var batch = new ArrayList<StoredMemory>(n);
            for (int i = 0; i < n; i++) {
                byte[] record = in.readNBytes(in.readInt());
                float[] v = new float[in.readInt()];
                for (int d = 0; d < v.length; d++) {
                    v[d] = in.readFloat();
                }
                batch.add(new StoredMemory(MemoryCodec.decode(record), Embedding.of(v), readString(in)));
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
            return new Delete(readString(in), readString(in));
        } catch (IOException e) {
            throw new StorageException("corrupt write-ahead log DELETE record: " + e.getMessage(), false, e);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        return new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
    }
}
