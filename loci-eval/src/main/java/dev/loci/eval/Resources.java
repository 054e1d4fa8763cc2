package dev.loci.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process figures for reports. */
final class Resources {
    private Resources() {
    }

    /** Peak resident set size (VmHWM) in MiB, or -1 where /proc is not available. */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
