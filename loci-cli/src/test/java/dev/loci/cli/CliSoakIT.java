package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loci bench soak} for a few seconds: a real {@code loci serve} process with API keys, two clients
 * of mixed traffic in two tenants (the same user id in each, no result of the other tenant allowed),
 * the store's size held at 10 memories once it gets there (so removals by id, by filter and by purge
 * run too), then every acknowledged turn read back, every forgotten one gone, the count
 * compared and {@code loci check} run. A smoke test of the command; the figures of a long run are in
 * docs/RELIABILITY.md.
 */
class CliSoakIT {
    @TempDir
    Path dir;

    @Test
    void aShortSoakLosesNothingAndLeavesACleanStore() {
        CliRun run = CliRun.of("bench", "soak", "--minutes", "0.3", "--clients", "2", "--steady", "10", "--work-dir",
                dir.toString());
        assertEquals(0, run.exit(), run.transcript());
        assertTrue(run.out().matches("(?s).*lost 0, wrong text 0; forgotten that came back 0 \\(of \\d+ forgotten\\); "
                + "count mismatches 0; errors 0.*"), run.transcript());
        assertTrue(run.out().contains("from now on the traffic forgets about as much as it adds"), run.out());
        assertTrue(run.out().contains("2 clients over 2 tenants (soak-t0, soak-t1, an admin key each)"), run.out());
        var across = Pattern.compile("across tenants: (\\d+) results of another tenant or user \\(in (\\d+) recalls, "
                + "lists and reads checked\\); (\\d+) reads of another tenant's turn answered").matcher(run.out());
        assertTrue(across.find(), run.out());
        assertEquals("0", across.group(1), run.out());
        assertTrue(Integer.parseInt(across.group(2)) > 0, "results were checked: " + run.out());
        assertEquals("0", across.group(3), run.out());
        assertTrue(run.out().matches("(?s).*steady part: .*\n  RSS \\(MiB\\) .*\n  heap after GC \\(MiB\\) .*"),
                run.out());
        assertTrue(run.out().matches("(?s).*request ms p50 \\d+, p99 \\d+, max \\d+.*\np99 of the requests by minute: "
                + "\\d+(, \\d+)* ms; min \\d+, median \\d+, max \\d+\n.*"), run.out());
        var remembered = Pattern.compile("(\\d+) remember").matcher(run.out());
        assertTrue(remembered.find() && Integer.parseInt(remembered.group(1)) > 0, "traffic flowed: " + run.out());
        var again = Pattern.compile("(\\d+) remember again").matcher(run.out());
        assertTrue(again.find() && Integer.parseInt(again.group(1)) > 0,
                "acknowledged remembers were sent again with their client ids (and added nothing): " + run.out());
        assertTrue(run.out().contains("OK: no damage found") && run.out().contains("check: OK"), run.transcript());
        assertTrue(run.out().matches("(?s).*RSS: \\d+ MiB at the first sample.*"), run.out());

        CliRun bad = CliRun.of("bench", "soak", "--minutes", "0");
        assertEquals(Main.EXIT_BAD_INPUT, bad.exit(), bad.transcript());
        assertTrue(bad.err().contains("--minutes"), bad.transcript());
        for (String[] option : new String[][] {{"--steady", "-5"}, {"--rate", "-1"}, {"--heap", "10"}}) {
            CliRun wrong = CliRun.of("bench", "soak", option[0], option[1]);
            assertEquals(Main.EXIT_BAD_INPUT, wrong.exit(), wrong.transcript());
            assertTrue(wrong.err().contains(option[0] + ": must be"), wrong.transcript());
        }
    }
}
