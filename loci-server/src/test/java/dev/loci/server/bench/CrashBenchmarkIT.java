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
 * One trial of {@code loci bench crash} (the command runs many, docs/RELIABILITY.md): a real serve
 * process with the real model, killed with SIGKILL under load, started again; nothing acknowledged
 * is missing.
 */
class CrashBenchmarkIT {
    @TempDir
    Path work;

    @Test
    void aKilledServerKeepsEveryAcknowledgedWrite() throws Exception {
        var bytes = new ByteArrayOutputStream();
        long lost = CrashBenchmark.run(new CrashBenchmark.Options(1, 2, 7, work),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, lost, out);
        Matcher m = Pattern.compile("1 trials, (\\d+) acknowledged, 0 lost").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Long.parseLong(m.group(1)) > 0, "writes flowed before the kill: " + out);
    }
}
