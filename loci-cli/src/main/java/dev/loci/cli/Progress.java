package dev.loci.cli;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long task on standard error. On a terminal, a bar redrawn in place; off one (piped,
 * redirected, a log file), where redrawn frames would run into one line, a plain line at most every
 * {@link #LINE_INTERVAL_NANOS} (so a short task prints none). Not thread-safe: one task, one thread.
 */
abstract sealed class Progress implements AutoCloseable {
    /** Least time between two plain progress lines: 10 s. */
    static final long LINE_INTERVAL_NANOS = 10_000_000_000L;

    /** Advances by {@code n} units. */
    abstract void step(long n);

    @Override
    public abstract void close();

    /**
     * Progress of a task of {@code total} units named {@code task}, drawn as {@link #interactive()}
     * says; {@code null}-free: with {@code enabled} false it prints nothing.
     */
    static Progress start(String task, long total, String unit, boolean enabled) {
        if (!enabled) {
            return new None();
        }
        return interactive() ? new Bar(task, total, unit) : new Lines(task, total, unit, System.err, System::nanoTime);
    }

    /**
     * Whether standard error is a terminal. The launcher, which can test stderr itself, says so in
     * {@code LOCI_STDERR_TTY}; without it, the console decides (null off a terminal on JDK 21; on JDK
     * 22+ a console exists when redirected too, and its {@code isTerminal()} tells).
     */
    static boolean interactive() {
        String hint = System.getenv("LOCI_STDERR_TTY");
        if (hint != null) {
            return hint.equals("1");
        }
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true; // JDK 21: a console exists only on a terminal
        }
    }

    /** Nothing at all. */
    static final class None extends Progress {
        @Override
        void step(long n) {
        }

        @Override
        public void close() {
        }
    }

    /** A bar redrawn in place, with the rate. */
    static final class Bar extends Progress {
        private final ProgressBar bar;

        Bar(String task, long total, String unit) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" " + unit, 1)
                    .showSpeed().setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        }

        @Override
        void step(long n) {
            bar.stepBy(n);
        }

        @Override
        public void close() {
            bar.close();
        }
    }

    /** A plain line now and then: {@code ingest: 1024 of 36000 messages (2%), 210 messages/s}. */
    static final class Lines extends Progress {
        private final String task;
        private final long total;
        private final String unit;
        private final PrintStream err;
        private final LongSupplier nanos;
        private final long start;
        private long last;
        private long done;

        Lines(String task, long total, String unit, PrintStream err, LongSupplier nanos) {
            this.task = task;
            this.total = total;
            this.unit = unit;
            this.err = err;
            this.nanos = nanos;
            this.start = nanos.getAsLong();
            this.last = start;
        }

        @Override
        void step(long n) {
            done += n;
            long now = nanos.getAsLong();
            if (now - last >= LINE_INTERVAL_NANOS && done < total) {
                last = now;
                double seconds = (now - start) / 1e9;
                err.printf(Locale.ROOT, "%s: %d of %d %s (%d%%), %.0f %s/s%n", task, done, total, unit,
                        total == 0 ? 100 : done * 100 / total, done / seconds, unit);
                err.flush();
            }
        }

        @Override
        public void close() {
        }
    }
}
