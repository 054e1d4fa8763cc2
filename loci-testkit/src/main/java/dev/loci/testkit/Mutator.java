package dev.loci.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Seeded mutation of valid inputs into invalid ones, for the fuzz tests of the parsers and
 * decoders: bit flips, random and boundary bytes, 32-bit boundary lengths written over any
 * position (what a damaged length prefix looks like), cut, inserted, deleted and repeated runs,
 * and for text, JSON values swapped for ones of the wrong type, size or depth. The same seed gives
 * the same inputs, so a failure reproduces from the seed and execution number the
 * {@link #run harness} prints.
 *
 * <p>Not thread-safe.
 */
public final class Mutator {
    private static final int[] BOUNDARY_INTS = {0, 1, -1, 127, 128, 255, 256, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
            Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 8, 1 << 30, 1 << 24, 64 << 20};
    private static final String[] JSON_VALUES = {"null", "true", "0", "-1", "1e309", "-0.0", "2147483648",
            "9223372036854775808", "\"\"", "\" \"", "\"\\u0000\"", "\"\\ud800\"", "[]", "{}", "[[[[[[[[]]]]]]]]",
            "\"2024-13-45T99:99:99Z\"", "\"x\"", "{\"a\":{\"b\":[1,{}]}}", "\"" + "y".repeat(40_000) + "\""};

    private final Random random;

    public Mutator(long seed) {
        this.random = new Random(seed);
    }

    /** The random source, for targets that pick among seeds or build inputs themselves. */
    public Random random() {
        return random;
    }

    /** A copy of {@code seed} with 1 to 4 mutations stacked. */
    public byte[] mutate(byte[] seed) {
        byte[] b = seed.clone();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            b = once(b);
        }
        return b;
    }

    private byte[] once(byte[] b) {
        int op = random.nextInt(b.length == 0 ? 1 : 8);
        switch (op) {
            case 0 -> { // insert a random run
                byte[] run = new byte[1 + random.nextInt(16)];
                random.nextBytes(run);
                return splice(b, random.nextInt(b.length + 1), 0, run);
            }
            case 1 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
            case 2 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            case 3 -> { // a boundary 32-bit value over 4 bytes: a damaged length or count
                int v = BOUNDARY_INTS[random.nextInt(BOUNDARY_INTS.length)];
                int at = random.nextInt(b.length);
                for (int k = 0; k < 4 && at + k < b.length; k++) {
                    b[at + k] = (byte) (v >>> (24 - 8 * k));
                }
            }
            case 4 -> { // cut the end
                return java.util.Arrays.copyOf(b, random.nextInt(b.length));
            }
            case 5 -> { // delete a run
                int at = random.nextInt(b.length);
                return splice(b, at, Math.min(b.length - at, 1 + random.nextInt(32)), new byte[0]);
            }
            case 6 -> { // repeat a run
                int at = random.nextInt(b.length);
                int len = Math.min(b.length - at, 1 + random.nextInt(64));
                return splice(b, at, 0, java.util.Arrays.copyOfRange(b, at, at + len));
            }
            default -> { // swap two bytes
                int i = random.nextInt(b.length);
                int j = random.nextInt(b.length);
                byte t = b[i];
                b[i] = b[j];
                b[j] = t;
            }
        }
        return b;
    }

    /**
     * A mutation of JSON text: half the time a JSON value (after a {@code :}, {@code [} or
     * {@code ,}) is replaced by one of the wrong type, size or depth, else the UTF-8 bytes are
     * mutated (which also makes invalid UTF-8 and broken syntax).
     */
    public String mutateJson(String seed) {
        if (random.nextBoolean()) {
            List<Integer> starts = new ArrayList<>();
            for (int i = 0; i < seed.length(); i++) {
                char c = seed.charAt(i);
                if (c == ':' || c == '[' || c == ',') {
                    starts.add(i + 1);
                }
            }
            if (!starts.isEmpty()) {
                int at = starts.get(random.nextInt(starts.size()));
                int end = valueEnd(seed, at);
                return seed.substring(0, at) + JSON_VALUES[random.nextInt(JSON_VALUES.length)] + seed.substring(end);
            }
        }
        return new String(mutate(seed.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    /** The bytes of a {@link #mutateJson} mutation, keeping invalid UTF-8 when the mutation made it. */
    public byte[] mutateJsonBytes(String seed) {
        return random.nextBoolean() ? mutateJson(seed).getBytes(StandardCharsets.UTF_8)
                : mutate(seed.getBytes(StandardCharsets.UTF_8));
    }

    /** Where the JSON value starting at {@code at} ends (a rough scan: strings, nesting, scalars). */
    private static int valueEnd(String s, int at) {
        int i = at;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (i >= s.length()) {
            return i;
        }
        char c = s.charAt(i);
        if (c == '"') {
            for (i = i + 1; i < s.length(); i++) {
                if (s.charAt(i) == '\\') {
                    i++;
                } else if (s.charAt(i) == '"') {
                    return i + 1;
                }
            }
            return s.length();
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            boolean inString = false;
            for (; i < s.length(); i++) {
                char d = s.charAt(i);
                if (inString) {
                    if (d == '\\') {
                        i++;
                    } else if (d == '"') {
                        inString = false;
                    }
                } else if (d == '"') {
                    inString = true;
                } else if (d == '{' || d == '[') {
                    depth++;
                } else if ((d == '}' || d == ']') && --depth == 0) {
                    return i + 1;
                }
            }
            return s.length();
        }
        while (i < s.length() && ",}]".indexOf(s.charAt(i)) < 0) {
            i++;
        }
        return i;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    /**
     * Runs {@code executions} executions of a fuzz target with inputs from seed {@code seed}; a
     * failure is rethrown with the seed and the execution that found it. Returns executions per
     * second. The budget and seed come from the system properties {@code loci.fuzz.executions} and
     * {@code loci.fuzz.seed} when set (the long runs of {@code scripts/fuzz}).
     */
    public static double run(String target, long defaultExecutions, Consumer<Mutator> execution) {
        long executions = Long.getLong("loci.fuzz.executions", defaultExecutions);
        long seed = Long.getLong("loci.fuzz.seed", 20261205L);
        var m = new Mutator(seed);
        long start = System.nanoTime();
        for (long i = 0; i < executions; i++) {
            try {
                execution.accept(m);
            } catch (Throwable t) {
                throw new AssertionError("fuzz " + target + ": execution " + i + " of seed " + seed + " failed: " + t, t);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = executions / Math.max(seconds, 1e-9);
        System.out.printf(java.util.Locale.ROOT, "fuzz %s: %d executions, seed %d, 0 failures, %.1f s, %.0f exec/s%n",
                target, executions, seed, seconds, rate);
        return rate;
    }
}
