package dev.loci.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** Percentiles and process figures for benchmark reports. */
final class Stats {
    private Stats() {
    }

    /** Nearest-rank percentile of nanosecond samples, in milliseconds. */
    static double percentileMs(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
    }

    static String latency(long[] nanos) {
        return String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms (n=%d)",
                percentileMs(nanos, 50), percentileMs(nanos, 99), nanos.length);
    }

    /** Resident set size now and at peak (VmRSS, VmHWM) in MiB, or "n/a" off Linux. */
    static String rss() {
        try {
            String status = Files.readString(Path.of("/proc/self/status"));
            return String.format(Locale.ROOT, "RSS %d MiB (peak %d MiB)", kb(status, "VmRSS") / 1024,
                    kb(status, "VmHWM") / 1024);
        } catch (IOException | RuntimeException e) {
            return "RSS n/a";
        }
    }

    static long rssBytes() {
        try {
            return kb(Files.readString(Path.of("/proc/self/status")), "VmRSS") * 1024;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A size field of /proc/self/status (VmRSS, RssAnon, RssFile...) in bytes, or -1 off Linux. */
    static long statusBytes(String key) {
        try {
            return kb(Files.readString(Path.of("/proc/self/status")), key) * 1024;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Peak resident set size (VmHWM) in bytes, or -1 off Linux. */
    static long peakRssBytes() {
        try {
            return kb(Files.readString(Path.of("/proc/self/status")), "VmHWM") * 1024;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long kb(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException(key + " not found");
    }
}
