package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Usage, help and option errors: all decided before any engine is opened. */
class CliCommandLineTest {
    @TempDir
    Path dir;

    private static void assertBadInput(CliRun run, String... parts) {
        assertEquals(Main.EXIT_BAD_INPUT, run.exit(), run.transcript());
        for (String part : parts) {
            assertTrue(run.err().contains(part), "'" + part + "' not in: " + run.err());
        }
    }

    @Test
    void withoutACommandItPrintsUsageListingEveryCommand() {
        CliRun run = CliRun.of();
        assertEquals(0, run.exit(), run.transcript());
        for (String command : List.of("demo", "ingest", "recall", "context", "get", "update", "history", "forget", "purge", "stats", "eval", "bench", "help")) {
            assertTrue(run.out().matches("(?s).*\\n\\s+" + command + "\\s.*"), command + " missing from:\n" + run.out());
        }
    }

    @Test
    void helpOnOneCommandStillKnowsEveryCommand() {
        CliRun run = CliRun.of("help", "recall");
        assertEquals(0, run.exit(), run.transcript());
        assertTrue(run.out().contains("Usage: loci recall"), run.out());
        var names = Main.COMMANDS.stream().map(Main::nameOf).toList();
        assertEquals(names.size(), new java.util.HashSet<>(names).size(), "command names are unique: " + names);
    }

    @Test
    void versionIsPrinted() {
        CliRun run = CliRun.of("--version");
        assertEquals(0, run.exit(), run.transcript());
        assertEquals("Loci 0.1.0", run.out().strip());
    }

    @Test
    void ingestHelpDocumentsTheFormats() {
        CliRun run = CliRun.of("ingest", "--help");
        assertEquals(0, run.exit(), run.transcript());
        assertTrue(run.out().contains("auto (default), jsonl, conversation or locomo"), run.out());
        assertTrue(run.out().contains("--no-captions"), run.out());
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertBadInput(CliRun.of("remember", "x"), "Unmatched argument", "remember");
    }

    @Test
    void recallWithAnUnreadableTimeNamesTheOption() {
        Path data = dir.resolve("data");
        assertBadInput(CliRun.of("recall", "--data-dir", data.toString(), "--tenant", "acme", "--from", "last week", "dogs"),
                "--from: 'last week' is not an ISO-8601 time");
        assertFalse(Files.exists(data));
    }

    @Test
    void contextWithAnUnknownEncodingNamesIt() {
        assertBadInput(CliRun.of("context", "--data-dir", dir.resolve("data").toString(), "--tenant", "acme",
                "--budget", "100", "--encoding", "p50k", "dogs"), "encoding", "p50k");
    }

    @Test
    void recallAskedAtAnUnreadableMomentNamesTheOption() {
        assertBadInput(CliRun.of("recall", "--data-dir", dir.resolve("data").toString(), "--tenant", "acme",
                "--at", "next Tuesday", "dogs"), "--at: 'next Tuesday' is not an ISO-8601 time");
    }

    @Test
    void recallWithATimeRangeBackwardsNamesIt() {
        assertBadInput(CliRun.of("recall", "--data-dir", dir.resolve("data").toString(), "--tenant", "acme",
                "--from", "2024-06-01", "--to", "2024-05-01", "dogs"), "--from/--to: from (");
    }

    @Test
    void recallWithZeroResultsWantedNamesK() {
        assertBadInput(CliRun.of("recall", "--data-dir", dir.resolve("data").toString(), "--tenant", "acme",
                "--k", "0", "dogs"), "--k: must be in 1..");
        assertFalse(CliRun.of("recall", "--data-dir", dir.resolve("data").toString(), "--tenant", "acme",
                "--k", "0", "dogs").err().contains("query.k"), "no internal field names");
    }

    @Test
    void recallWithAnUnknownKindListsTheKinds() {
        assertBadInput(CliRun.of("recall", "--data-dir", dir.resolve("data").toString(), "--tenant", "acme",
                "--kind", "TWEET", "dogs"), "--kind", "TURN");
    }

    @Test
    void recallOfABlankQueryNamesTheQuery() {
        assertBadInput(CliRun.of("recall", "--data-dir", dir.resolve("data").toString(), "--tenant", "acme", "  "),
                "QUERY: must not be blank");
    }

    @ParameterizedTest
    @ValueSource(strings = {"recall", "get", "forget", "stats"})
    void readingCommandsDoNotCreateAMissingDataDir(String command) {
        Path typo = dir.resolve("no-such-dir");
        List<String> args = command.equals("stats")
                ? List.of(command, "--data-dir", typo.toString())
                : List.of(command, "--data-dir", typo.toString(), "--tenant", "acme", "some-id-or-query");
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertBadInput(run, typo + ": no such data directory");
        assertFalse(Files.exists(typo), command + " created " + typo);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest", "recall", "context", "get", "update", "history", "forget", "purge", "stats", "demo"})
    void aDataDirThatIsAFileIsNamedByItsOption(String command) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        Path input = Files.writeString(dir.resolve("in.jsonl"), "{\"text\": \"hello\"}\n");
        List<String> args = switch (command) {
            case "stats", "demo" -> List.of(command, "--data-dir", file.toString());
            case "ingest" -> List.of(command, "--data-dir", file.toString(), "--tenant", "acme", input.toString());
            case "context" -> List.of(command, "--data-dir", file.toString(), "--tenant", "acme", "--budget", "100", "q");
            case "update" -> List.of(command, "--data-dir", file.toString(), "--tenant", "acme", "some-id", "new text");
            case "purge" -> List.of(command, "--data-dir", file.toString(), "--tenant", "acme", "--user", "maya");
            default -> List.of(command, "--data-dir", file.toString(), "--tenant", "acme", "some-id-or-query");
        };
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertBadInput(run, "loci " + command + ": error: --data-dir: " + file + ": is a file, not a data directory");
        assertEquals("x", Files.readString(file), "left as it was");
    }

    @Test
    void evalOfAMissingFileIsBadInput() {
        Path missing = dir.resolve("locomo.json");
        assertBadInput(CliRun.of("eval", "locomo", missing.toString(), "--out", dir.resolve("out").toString()),
                missing + ": no such file");
    }

    @Test
    void anUnknownBenchmarkIsBadInput() throws Exception {
        Path file = Files.writeString(dir.resolve("x.json"), "[]");
        assertBadInput(CliRun.of("eval", "squad", file.toString(), "--out", dir.resolve("out").toString()),
                "'squad' is not a benchmark; use locomo or longmemeval");
    }
}
