package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Options from flags, then LOCI_&lt;OPTION&gt; variables, then a --config file. Observed through
 * {@code stats} on directories that do not exist: it refuses with the directory it was given, so
 * the message shows which source won (and no model is loaded).
 */
class CliConfigTest {
    @TempDir
    Path tmp;

    private Path file(String text) throws IOException {
        Path f = tmp.resolve("loci.properties");
        Files.writeString(f, text);
        return f;
    }

    private String refusedDir(CliRun run) {
        assertTrue(run.exit() != 0, run.transcript());
        return run.err();
    }

    @Test
    void theFileGivesADefault() throws IOException {
        Path f = file("# where the memories live\ndata-dir = " + tmp.resolve("from-file") + "\n");
        assertTrue(refusedDir(CliRun.withEnv(Map.of(), "stats", "--config", f.toString())).contains("from-file"));
        assertTrue(refusedDir(CliRun.withEnv(Map.of("LOCI_CONFIG", f.toString()), "stats")).contains("from-file"),
                "LOCI_CONFIG names the file too");
    }

    @Test
    void theEnvironmentBeatsTheFileAndAFlagBeatsBoth() throws IOException {
        Path f = file("data-dir = " + tmp.resolve("from-file") + "\n");
        var env = Map.of("LOCI_DATA_DIR", tmp.resolve("from-env").toString());
        assertTrue(refusedDir(CliRun.withEnv(env, "stats", "--config", f.toString())).contains("from-env"));
        assertTrue(refusedDir(CliRun.withEnv(env, "stats", "--config=" + f, "--data-dir",
                tmp.resolve("from-flag").toString())).contains("from-flag"));
    }

    @Test
    void aNameAfterItsCommandBeatsTheNameAlone() throws IOException {
        Path f = file("stats.data-dir = " + tmp.resolve("for-stats") + "\ndata-dir = " + tmp.resolve("for-all")
                + "\ntenant = acme\n"); // a required option may come from the file too
        assertTrue(refusedDir(CliRun.withEnv(Map.of(), "stats", "--config", f.toString())).contains("for-stats"));
        CliRun get = CliRun.withEnv(Map.of(), "get", "--config", f.toString(), "m1");
        assertTrue(refusedDir(get).contains("for-all"), get.transcript());
    }

    @Test
    void aNameNoCommandKnowsIsAnErrorWithItsLine() throws IOException {
        Path f = file("data-dir = x\nserve.prot = 8080\n");
        CliRun run = CliRun.withEnv(Map.of(), "stats", "--config", f.toString());
        assertEquals(Main.EXIT_BAD_INPUT, run.exit(), run.transcript());
        assertTrue(run.err().contains(f + ":2: 'serve.prot' is no option of any command"), run.err());
        assertTrue(run.err().contains("serve.port"), "suggests real names: " + run.err());
    }

    @Test
    void subcommandsOfSubcommandsHaveQualifiedNames() throws IOException {
        Path f = file("keys.create.role = admin\nserve.max-pending = 16\n");
        CliRun run = CliRun.withEnv(Map.of(), "stats", "--config", f.toString(), "--data-dir",
                tmp.resolve("none").toString());
        assertTrue(run.err().contains("none") && !run.err().contains("no option"), run.transcript());
    }

    @Test
    void aLineThatIsNotNameEqualsValueOrAMissingFileIsNamed() throws IOException {
        Path f = file("data-dir /somewhere\n");
        CliRun bad = CliRun.withEnv(Map.of(), "stats", "--config", f.toString());
        assertEquals(Main.EXIT_BAD_INPUT, bad.exit());
        assertTrue(bad.err().contains(f + ":1: expected 'name = value'"), bad.err());
        CliRun missing = CliRun.withEnv(Map.of(), "stats", "--config", tmp.resolve("nope.properties").toString());
        assertEquals(Main.EXIT_BAD_INPUT, missing.exit());
        assertTrue(missing.err().contains("nope.properties: cannot be read"), missing.err());
    }
}
