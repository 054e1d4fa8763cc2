package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loci forget --all-matching} and {@code loci purge} with the real engine on one data
 * directory holding two users: Maya (the demo conversation) and Ben (a small JSONL file). Option
 * errors are decided before any engine is opened; every other step opens it once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliForgetPurgeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BENS = """
            {"text": "I keep bees behind the old mill", "speaker": "Ben", "timestamp": "2024-04-01T09:00:00Z", "metadata": {"channel": "chat"}}
            {"text": "My locker code is Thistlewick", "speaker": "Ben", "timestamp": "2024-04-01T09:01:00Z", "metadata": {"channel": "sms"}}
            {"text": "The bees made lavender honey this year", "speaker": "Ben", "timestamp": "2024-04-01T09:02:00Z", "metadata": {"channel": "chat"}}
            """;
    /** Words of Maya's conversation that Ben's never use. */
    private static final List<String> MAYAS = List.of("Biscuit", "greyhound", "Alfama", "Prenzlauer", "Duolingo");

    @TempDir
    static Path dir;
    static Path data;
    /** What purge without --yes said it would delete. */
    static long mayasCount;

    @BeforeAll
    static void twoUsersAreIngested() throws IOException {
        data = dir.resolve("data");
        Path maya = dir.resolve("conversation.json");
        try (InputStream in = CliForgetPurgeTest.class.getResourceAsStream("/demo/conversation.json")) {
            Files.copy(in, maya);
        }
        Path ben = Files.writeString(dir.resolve("ben.jsonl"), BENS);
        ok(store("ingest", "maya", "--no-progress", maya.toString()));
        ok(store("ingest", "ben", "--no-progress", ben.toString()));
    }

    private static CliRun ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exit(), run.transcript());
        return run;
    }

    private static String[] store(String command, String user, String... rest) {
        var args = new ArrayList<>(List.of(command, "--data-dir", data.toString(), "--tenant", "acme", "--user", user));
        args.addAll(List.of(rest));
        return args.toArray(String[]::new);
    }

    private static void assertBadInput(CliRun run, String message) {
        assertEquals(Main.EXIT_BAD_INPUT, run.exit(), run.transcript());
        assertTrue(run.err().contains(message), run.transcript());
    }

    @Test
    @Order(1)
    void forgetOptionsThatContradictEachOtherAreRefusedBeforeOpening() {
        assertBadInput(CliRun.of(store("forget", "ben", "some-id", "--all-matching")),
                "loci forget: error: ID: give an id or --all-matching, not both");
        assertBadInput(CliRun.of(store("forget", "ben")), "ID: missing: give a memory id, or --all-matching");
        assertBadInput(CliRun.of(store("forget", "ben", "some-id", "--kind", "TURN")),
                "--kind/--from/--to/--meta: select memories only with --all-matching");
        assertBadInput(CliRun.of(store("forget", "ben", "--all-matching", "--from", "yesterday")),
                "--from: 'yesterday' is not an ISO-8601 time");
    }

    @Test
    @Order(2)
    void purgeWithoutYesSaysWhatItWouldDeleteAndDeletesNothing() {
        CliRun run = CliRun.of(store("purge", "maya"));

        assertEquals(Main.EXIT_BAD_INPUT, run.exit(), run.transcript());
        Matcher m = Pattern.compile("^loci purge: would delete (\\d+) memories of --tenant acme --user maya; "
                + "nothing deleted\\. Run again with --yes to delete them\\.$").matcher(run.err().strip());
        assertTrue(m.matches(), run.err());
        mayasCount = Long.parseLong(m.group(1));
        assertTrue(mayasCount > 36, "36 turns and their episodes: " + mayasCount);
        assertEquals("", run.out());
    }

    @Test
    @Order(3)
    void forgetAllMatchingDeletesWhatTheFilterSelects() {
        CliRun run = ok(store("forget", "ben", "--all-matching", "--kind", "TURN", "--meta", "channel=sms"));

        assertTrue(run.out().strip().matches("forgot 1 memory; episodes rebuilt \\d+, removed 0; turns rewritten \\d+"),
                run.out());
    }

    @Test
    @Order(4)
    void purgeWithYesDeletesTheUserAndCompacts() {
        assertTrue(mayasCount > 0, "purgeWithoutYesSaysWhatItWouldDeleteAndDeletesNothing counted Maya's memories");

        CliRun run = ok(store("purge", "maya", "--yes"));

        assertEquals("purged " + mayasCount + " memories of --tenant acme --user maya; data directory compacted",
                run.out().strip());
        assertEquals(List.of(), filesHoldingAnyOf(MAYAS), "no byte of Maya's words is left in the data directory");
    }

    @Test
    @Order(5)
    void bensRemainingMemoriesAreStillRecalled() throws IOException {
        CliRun run = ok(store("recall", "ben", "--json", "--k", "10", "--kind", "TURN", "bees honey locker"));
        JsonNode results = JSON.readTree(run.out());

        List<String> texts = new ArrayList<>();
        results.forEach(r -> texts.add(r.get("text").asText()));
        assertEquals(2, texts.size(), run.out());
        assertTrue(texts.contains("I keep bees behind the old mill") && texts.contains(
                "The bees made lavender honey this year"), texts.toString());
        assertFalse(run.out().contains("Thistlewick"), "the forgotten message is not recalled: " + run.out());
    }

    private static List<String> filesHoldingAnyOf(List<String> words) {
        var found = new ArrayList<String>();
        try (Stream<Path> paths = Files.walk(data)) {
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                String bytes = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1); // one char per byte
                for (String w : words) {
                    if (bytes.contains(new String(w.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1))) {
                        found.add(data.relativize(p) + ": " + w);
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return found;
    }
}
