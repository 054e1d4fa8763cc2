package dev.loci.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.loci.Kind;
import dev.loci.Lifecycle;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryCodecTest {

    // ---- random memories -------------------------------------------------------------------

    /** Code points from several scripts, emoji outside the BMP (surrogate pairs), combining marks and controls. */
    private static final int[] CODE_POINTS = {
        'a', 'z', 'A', ' ', '0', '.', '"', '\\', '\t', '\n', 0, 0x7F,
        0xE9, 0xDF, 0xFC, 0x301, 0x3B1, 0x416, 0x5D0, 0x627, 0x915, 0x4E2D, 0x732B, 0xAC00, 0x200D, 0xFEFF,
        0xFFFD, 0xFFFF, 0x1F600, 0x1F408, 0x1F469, 0x1F3FD, 0x10348, 0x1D11E, 0x10FFFF,
    };

    private static String text(Random random, int maxLength) {
        var sb = new StringBuilder();
        int n = random.nextInt(maxLength + 1);
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(CODE_POINTS[random.nextInt(CODE_POINTS.length)]);
        }
        return sb.toString();
    }

    /** Non-blank, no control characters: valid for scope parts. */
    private static String id(Random random) {
        var sb = new StringBuilder("i");
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            int cp = CODE_POINTS[random.nextInt(CODE_POINTS.length)];
            if (!Character.isISOControl(cp)) {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    private static String maybe(Random random, String value) {
        return random.nextBoolean() ? null : value;
    }

    private static Instant instant(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> Instant.EPOCH;
            case 1 -> Instant.MIN;
            case 2 -> Instant.MAX;
            default -> Instant.ofEpochSecond(random.nextLong(-10_000_000_000L, 10_000_000_000L),
                    random.nextInt(1_000_000_000));
        };
    }

    private static List<String> list(Random random) {
        var out = new ArrayList<String>();
        int n = random.nextInt(3) == 0 ? 0 : random.nextInt(6);
        for (int i = 0; i < n; i++) {
            out.add(text(random, 8));
        }
        return out;
    }

    static Memory randomMemory(Random random) {
        var metadata = new HashMap<String, String>();
        int pairs = random.nextInt(3) == 0 ? 0 : random.nextInt(6);
        for (int i = 0; i < pairs; i++) {
            metadata.put(text(random, 6), text(random, 10));
        }
        double importance = switch (random.nextInt(4)) {
            case 0 -> 0.0;
            case 1 -> 1.0;
            default -> random.nextDouble();
        };
        return new Memory(id(random),
                new Scope(id(random), maybe(random, id(random)), maybe(random, id(random)), maybe(random, id(random))),
                Kind.values()[random.nextInt(Kind.values().length)],
                random.nextInt(10) == 0 ? "" : text(random, 300),
                maybe(random, text(random, 5)), maybe(random, text(random, 10)),
                instant(random), instant(random), instant(random), random.nextBoolean() ? null : instant(random),
                maybe(random, text(random, 20)), list(random), maybe(random, id(random)), list(random),
                random.nextInt(5) == 0 ? Integer.MAX_VALUE : 1 + random.nextInt(10), importance, metadata,
                random.nextBoolean() ? Lifecycle.NONE : new Lifecycle(random.nextInt(1000),
                        random.nextBoolean() ? null : instant(random), random.nextBoolean() ? null : instant(random),
                        random.nextBoolean(), maybe(random, id(random)), maybe(random, id(random))));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void randomMemoriesRoundTrip(long seed) {
        var random = new Random(seed);
        for (int i = 0; i < 200; i++) {
            Memory m = randomMemory(random);
            byte[] bytes = MemoryCodec.encode(m);
            Memory back = MemoryCodec.decode(bytes);
            assertEquals(m, back, "seed " + seed + " memory " + i);
            assertArrayEquals(bytes, MemoryCodec.encode(back), "re-encoding gives the same bytes");
        }
    }

    @Test
    void surrogatePairsAndEmojiSurviveExactly() {
        String text = "👩‍👩‍👧 family, 🐈 cat, 𝄞 clef, 𐍈 hwair, 猫, e\u0301";
        Memory m = MemoryCodecGolden.v1();
        Memory withText = m.toBuilder().text(text).metadata(Map.of("😀", "🐈‍⬛")).build();
        Memory back = MemoryCodec.decode(MemoryCodec.encode(withText));
        assertEquals(text, back.text());
        assertEquals(text.length(), back.text().length());
        assertEquals(Map.of("😀", "🐈‍⬛"), back.metadata());
    }

    @Test
    void encodingIgnoresMetadataInsertionOrder() {
        Memory m = MemoryCodecGolden.v1();
        var forward = new LinkedHashMap<String, String>();
        var backward = new LinkedHashMap<String, String>();
        for (int i = 0; i < 20; i++) {
            forward.put("k" + i, "v" + i);
            backward.put("k" + (19 - i), "v" + (19 - i));
        }
        assertArrayEquals(MemoryCodec.encode(withMetadata(m, forward)), MemoryCodec.encode(withMetadata(m, backward)));
    }

    private static Memory withMetadata(Memory m, Map<String, String> metadata) {
        return m.toBuilder().metadata(metadata).build();
    }

    // ---- golden file ------------------------------------------------------------------------

    private static byte[] golden() throws IOException {
        return golden(MemoryCodecGolden.V1_RESOURCE);
    }

    private static byte[] golden(String resource) throws IOException {
        try (InputStream in = MemoryCodecTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, "golden file " + resource + " is missing");
            return in.readAllBytes();
        }
    }

    @Test
    void currentVersionIsTwo() {
        assertEquals(2, MemoryCodec.VERSION, "a new version needs a new golden file; keep the older ones readable");
    }

    @Test
    void encodingMatchesTheV2GoldenFile() throws IOException {
        byte[] expected = golden(MemoryCodecGolden.V2_RESOURCE);
        byte[] actual = MemoryCodec.encode(MemoryCodecGolden.v2());
        assertArrayEquals(expected, actual, "the persisted format of version 2 changed; stored data would no longer"
                + " read back. Bump MemoryCodec.VERSION and add a new golden file instead");
    }

    @Test
    void v2GoldenFileDecodesToTheFixedMemory() throws IOException {
        assertEquals(MemoryCodecGolden.v2(), MemoryCodec.decode(golden(MemoryCodecGolden.V2_RESOURCE)));
    }

    @Test
    void v1GoldenFileStillDecodesWithNoLifecycle() throws IOException {
        Memory back = MemoryCodec.decode(golden());
        assertEquals(MemoryCodecGolden.v1(), back);
        assertEquals(Lifecycle.NONE, back.lifecycle());
    }

    @Test
    void v2IsV1PlusTheLifecycleAfterTheMetadata() throws IOException {
        byte[] v1 = golden();
        byte[] v2 = golden(MemoryCodecGolden.V2_RESOURCE);
        assertEquals(2, v2[2], "version byte");
        assertArrayEquals(Arrays.copyOfRange(v1, 3, v1.length), Arrays.copyOfRange(v2, 3, v1.length),
                "the fields of version 1 are unchanged");
    }

    @Test
    void trailingBytesAreReported() throws IOException {
        byte[] g = golden(MemoryCodecGolden.V2_RESOURCE);
        byte[] longer = Arrays.copyOf(g, g.length + 3);
        var e = assertThrows(StorageException.class, () -> MemoryCodec.decode(longer));
        assertTrue(e.getMessage().contains("3 bytes after the last field"), e.getMessage());
    }

    @Test
    void goldenFileStartsWithMagicVersionAndLengthPrefixedId() throws IOException {
        byte[] g = golden();
        assertEquals(0x4C, g[0] & 0xFF, "magic 'L'");
        assertEquals(0x4D, g[1] & 0xFF, "magic 'M'");
        assertEquals(1, g[2], "version");
        int idLength = ((g[3] & 0xFF) << 24) | ((g[4] & 0xFF) << 16) | ((g[5] & 0xFF) << 8) | (g[6] & 0xFF);
        assertEquals(MemoryCodecGolden.v1().id().length(), idLength, "big-endian int length of the UTF-8 id");
        assertEquals(MemoryCodecGolden.v1().id(), new String(g, 7, idLength, java.nio.charset.StandardCharsets.UTF_8));
    }

    // ---- corrupt input ----------------------------------------------------------------------

    @Test
    void badMagicIsReported() throws IOException {
        byte[] g = golden();
        g[0] = 'X';
        var e = assertThrows(StorageException.class, () -> MemoryCodec.decode(g));
        assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
        assertFalse(e.isRetriable(), "corruption does not heal by retrying");
    }

    @ParameterizedTest
    @ValueSource(bytes = {0, 3, 99, -1})
    void unknownVersionIsReported(byte version) throws IOException {
        byte[] g = golden();
        g[2] = version;
        var e = assertThrows(StorageException.class, () -> MemoryCodec.decode(g));
        assertTrue(e.getMessage().contains("version " + version), "names the version found: " + e.getMessage());
        assertTrue(e.getMessage().contains("versions 1 to 2"), "names the versions supported: " + e.getMessage());
        assertFalse(e.isRetriable());
    }

    @Test
    void unknownKindIsReported() throws IOException {
        Memory m = MemoryCodecGolden.v1();
        byte[] g = golden();
        // the kind byte follows id, tenant and the three nullable scope parts
        int pos = 3 + 4 + utf8(m.id()) + 4 + utf8(m.scope().tenant())
                + 1 + 4 + utf8(m.scope().userId()) + 1 + 1 + 4 + utf8(m.scope().sessionId());
        assertEquals(Kind.FACT.ordinal(), g[pos], "found the kind byte");
        g[pos] = 42;
        var e = assertThrows(StorageException.class, () -> MemoryCodec.decode(g));
        assertTrue(e.getMessage().contains("kind 42"), e.getMessage());
    }

    private static int utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    @Test
    void emptyInputIsReported() {
        var e = assertThrows(StorageException.class, () -> MemoryCodec.decode(new byte[0]));
        assertTrue(e.getMessage().startsWith("corrupt memory record"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {MemoryCodecGolden.V1_RESOURCE, MemoryCodecGolden.V2_RESOURCE})
    void everyTruncationIsReported(String resource) throws IOException {
        byte[] g = golden(resource);
        for (int length = 0; length < g.length; length++) {
            byte[] cut = Arrays.copyOf(g, length);
            try {
                Memory m = MemoryCodec.decode(cut);
                fail("decoding the first " + length + " of " + g.length + " bytes must fail, but gave " + m);
            } catch (StorageException e) {
                assertTrue(e.getMessage().startsWith("corrupt memory record"), length + ": " + e.getMessage());
                assertFalse(e.isRetriable());
            }
        }
    }

    /** Random byte damage either still decodes to some memory or fails with a StorageException, nothing else. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomDamageFailsOnlyWithStorageException(long seed) throws IOException {
        var random = new Random(seed);
        byte[] g = golden();
        for (int trial = 0; trial < 500; trial++) {
            byte[] damaged = g.clone();
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                damaged[random.nextInt(damaged.length)] ^= (byte) (1 + random.nextInt(255));
            }
            try {
                MemoryCodec.decode(damaged);
            } catch (StorageException expected) {
                // fine
            } catch (RuntimeException e) {
                throw new AssertionError("trial " + trial + ": corrupt input must raise StorageException, got " + e, e);
            }
        }
    }
}
