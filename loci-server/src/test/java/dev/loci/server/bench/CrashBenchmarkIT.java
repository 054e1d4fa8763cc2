package dev.loci.server.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two trials of {@code loci bench crash} (the command runs many, docs/RELIABILITY.md): a real serve
 * process with the real model, killed with SIGKILL under load, started again; nothing acknowledged
 * is missing. The second trial loads and kills the server that checked the first.
 */
class CrashBenchmarkIT {
    @TempDir
    Path work;

    @Test
    void aKilledServerKeepsEveryAcknowledgedWrite() throws Exception {
        var bytes = new ByteArrayOutputStream();
        long lost = CrashBenchmark.run(new CrashBenchmark.Options(2, 2, 7, work),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, lost, out);
        Matcher m = Pattern.compile("2 trials, (\\d+) acknowledged, 0 lost").matcher(out);
        assertTrue(m.find(), out);
        Matcher trials = Pattern.compile("trial (\\d): killed \\d+ ms after the first acknowledgement, (\\d+) "
                + "acknowledged, 0 lost").matcher(out);
        for (int trial = 1; trial <= 2; trial++) {
            assertTrue(trials.find() && Integer.parseInt(trials.group(1)) == trial
                    && Long.parseLong(trials.group(2)) > 0, "writes flowed before kill " + trial + ": " + out);
        }
        // three starts for two trials: the start that checked the first trial served the second
        try (var logs = java.nio.file.Files.list(work)) {
            assertEquals(3, logs.filter(p -> p.getFileName().toString().matches("serve-\\d+\\.log")).count(), out);
        }
    }
}
