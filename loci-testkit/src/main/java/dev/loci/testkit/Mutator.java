package dev.loci.testkit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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

    /** One execution of a fuzz target: checks one generated input; any throwable is a failure. */
    @FunctionalInterface
    public interface Execution {
        void run(Mutator m, byte[] input) throws Exception;
    }

    /** System property: an execution running longer than this many milliseconds is a hang (default 10,000). */
    public static final String HANG_MILLIS_PROPERTY = "loci.fuzz.hangMillis";

    /**
     * Runs {@code executions} executions of a fuzz target with inputs from seed {@code seed}: each
     * makes an input with {@code generate} and checks it with {@code check}. A failure is rethrown
     * with the seed and the execution that found it, and the input is saved to the target's corpus
     * when {@value FuzzCorpus#SAVE_TO} is set ({@link FuzzCorpus#save}); so is an input whose
     * execution runs longer than {@value #HANG_MILLIS_PROPERTY} (saved while it still runs, so a
     * true hang leaves it behind too). Returns executions per second. The budget and seed come from
     * the system properties {@code loci.fuzz.executions} and {@code loci.fuzz.seed} when set (the
     * long runs of {@code scripts/fuzz}).
     *
     * <p>{@code generate} makes everything the corpus file must hold to replay the failure; what
     * {@code check} draws from {@code m.random()} (which decoder, which moment) the corpus replay
     * covers by trying every choice.
     */
    public static double run(String target, long defaultExecutions, java.util.function.Function<Mutator, byte[]> generate,
                             Execution check) {
        long executions = Long.getLong("loci.fuzz.executions", defaultExecutions);
        long seed = Long.getLong("loci.fuzz.seed", 20261205L);
        long hangNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(Long.getLong(HANG_MILLIS_PROPERTY, 10_000L));
        var m = new Mutator(seed);
        var watch = new HangWatch(target, hangNanos);
        Thread watcher = Thread.ofPlatform().daemon().name("fuzz-hang-watch").start(watch);
        long start = System.nanoTime();
        try {
            for (long i = 0; i < executions; i++) {
                byte[] input = generate.apply(m);
                watch.begin(input);
                try {
                    check.run(m, input);
                } catch (Throwable t) {
                    Path saved = FuzzCorpus.save(target, "failure", input);
                    throw new AssertionError("fuzz " + target + ": execution " + i + " of seed " + seed + " failed: " + t
                            + (saved != null ? "; input saved to " + saved
                            : "; run with -D" + FuzzCorpus.SAVE_TO + "=DIR to keep the input"), t);
                }
                Path hang = watch.end();
                if (hang != null || watch.hung) {
                    throw new AssertionError("fuzz " + target + ": execution " + i + " of seed " + seed + " ran longer than "
                            + hangNanos / 1_000_000 + " ms" + (hang != null ? "; input saved to " + hang : ""));
                }
            }
        } finally {
            watcher.interrupt();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = executions / Math.max(seconds, 1e-9);
        System.out.printf(java.util.Locale.ROOT, "fuzz %s: %d executions, seed %d, 0 failures, %.1f s, %.0f exec/s%n",
                target, executions, seed, seconds, rate);
        return rate;
    }

    /** Notices an execution running too long, and saves its input while it still runs. */
    private static final class HangWatch implements Runnable {
        private final String target;
        private final long limitNanos;
        private volatile byte[] input;
        private volatile long startedNanos;
        private volatile Path saved;
        volatile boolean hung;

        HangWatch(String target, long limitNanos) {
            this.target = target;
            this.limitNanos = limitNanos;
        }

        void begin(byte[] in) {
            startedNanos = System.nanoTime();
            input = in;
        }

        /** The saved input when this execution was found hanging, else null. */
        Path end() {
            input = null;
            return saved;
        }

        @Override
        public void run() {
            try {
                while (!hung) {
                    Thread.sleep(Math.max(1, Math.min(1000, limitNanos / 4_000_000)));
                    byte[] in = input;
                    if (in != null && System.nanoTime() - startedNanos > limitNanos) {
                        hung = true;
                        saved = FuzzCorpus.save(target, "hang", in);
                        System.err.println("fuzz " + target + ": an execution has run for more than "
                                + limitNanos / 1_000_000 + " ms" + (saved != null ? "; its input is saved to " + saved : ""));
                    }
                }
            } catch (InterruptedException e) {
                // the run ended
            }
        }
    }
}
