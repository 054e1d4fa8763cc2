package dev.loci.spi;

import dev.loci.Kind;
import dev.loci.Lifecycle;
import dev.loci.Memory;
import dev.loci.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The memories pinned by the golden files {@code src/test/resources/golden/memory-v1.bin} (format
 * version 1, no lifecycle) and {@code memory-v2.bin} (version 2: the same memory with a lifecycle).
 *
 * <p>The file was written once by {@link #main}; never regenerate it for an existing version, since
 * the point is that old data stays readable. A new format version gets a new file (memory-v2.bin)
 * next to this one:
 * <pre>
 * mvn -q -B -pl loci-core test-compile
 * java -cp loci-core/target/classes:loci-core/target/test-classes dev.loci.spi.MemoryCodecGolden \
 *     loci-core/src/test/resources/golden/memory-v2.bin
 * </pre>
 * (memory-v1.bin was written by the version-1 codec; this class can only write the current version.)
 * <pre>
 * </pre>
 */
final class MemoryCodecGolden {
    static final String V1_RESOURCE = "/golden/memory-v1.bin";
    static final String V2_RESOURCE = "/golden/memory-v2.bin";

    private MemoryCodecGolden() {
    }

    /** Every field type, both presence-byte values, a multi-key map and multi-byte UTF-8 (incl. surrogate pairs). */
    static Memory v1() {
        return new Memory(
                "m0123456789abcdef0123456789abcdef",
                new Scope("acme", "user-42", null, "sess-2024-05-01"),
                Kind.FACT,
                "Anna adopted a cat named Pixel 🐈 in Zürich — 猫 ✓ 👩‍👩‍👧 \u0000 tab\tend",
                null,
                "Anna",
                Instant.parse("2024-05-01T10:15:30.123456789Z"),
                Instant.parse("2024-05-02T08:00:00Z"),
                Instant.parse("1969-12-31T23:59:59.5Z"),
                Instant.parse("2025-01-01T00:00:00Z"),
                "client-7",
                List.of("client-7", "client-8"),
                null,
                List.of(),
                3,
                0.75,
                Map.of("channel", "chat", "lang", "de", "emoji", "😀"));
    }

    /** The version-1 memory with every lifecycle field set (both presence-byte values across them). */
    static Memory v2() {
        return v1().withLifecycle(new Lifecycle(7, Instant.parse("2024-06-01T12:00:00.000000001Z"), null, true,
                "m-older-statement", null));
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.write(out, MemoryCodec.encode(v2()));
        System.out.println("wrote " + out + " (" + Files.size(out) + " bytes)");
    }
}
