package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loci list} (and {@code loci users}) on a data directory holding one user's two sessions, with the real engine. */
class CliListTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LINES = """
            {"text": "I keep bees behind the old mill", "speaker": "Ben", "timestamp": "2024-04-01T09:00:00Z", "session": "s1", "metadata": {"channel": "chat"}}
            {"text": "My locker code is Thistlewick", "speaker": "Ben", "timestamp": "2024-04-01T09:01:00Z", "session": "s1", "metadata": {"channel": "sms"}}
            {"text": "The bees made lavender honey this year", "speaker": "Ben", "timestamp": "2024-04-01T09:02:00Z", "session": "s1", "metadata": {"channel": "chat"}}
            {"text": "The honey sold out at the market", "speaker": "Ben", "timestamp": "2024-04-02T19:00:00Z", "session": "s2"}
            """;

    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void ingest() throws IOException {
        data = dir.resolve("data");
        Path file = Files.writeString(dir.resolve("ben.jsonl"), LINES);
        ok(args("ingest", "--no-progress", file.toString()));
    }

    private static String[] args(String command, String... rest) {
        var args = new ArrayList<>(List.of(command, "--data-dir", data.toString(), "--tenant", "acme", "--user", "ben"));
        args.addAll(List.of(rest));
        return args.toArray(String[]::new);
    }

    private static CliRun ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exit(), run.transcript());
        return run;
    }

    private static List<String> texts(JsonNode page) {
        var out = new ArrayList<String>();
        page.get("memories").forEach(m -> out.add(m.get("text").asText()));
        return out;
    }

    @Test
    void tableNewestFirstWithFullIdsAndTheNextCursor() throws IOException {
        String first = ok(args("list", "--limit", "2")).out();
        String[] lines = first.strip().split("\n");
        assertEquals(4, lines.length, first);
        assertTrue(lines[0].matches("#\\s+id\\s+kind\\s+occurred\\s+speaker\\s+text"), lines[0]);
        assertTrue(lines[1].matches("1\\s+m[0-9a-f]{32}\\s+TURN\\s+2024-04-02T19:00:00Z\\s+Ben\\s+The honey sold out at the market"),
                lines[1]);
        assertTrue(lines[2].contains("The bees made lavender honey this year"), lines[2]);
        Matcher hint = Pattern.compile("\\(2 memories; older ones follow: --cursor (\\S+)\\)").matcher(lines[3]);
        assertTrue(hint.matches(), lines[3]);

        String id = lines[1].split("\\s+")[1];
        JsonNode got = JSON.readTree(ok(args("get", id)).out());
        assertEquals("The honey sold out at the market", got.get("text").asText(), "the full id works with get");

        String rest = ok(args("list", "--limit", "2", "--cursor", hint.group(1))).out();
        assertTrue(rest.contains("My locker code is Thistlewick") && rest.contains("I keep bees behind the old mill"), rest);
        assertTrue(rest.strip().endsWith("(2 memories; no older ones)"), rest);
    }

    @Test
    void jsonAndFilters() throws IOException {
        JsonNode all = JSON.readTree(ok(args("list", "--json")).out());
        assertEquals(List.of("The honey sold out at the market", "The bees made lavender honey this year",
                "My locker code is Thistlewick", "I keep bees behind the old mill"), texts(all));
        assertTrue(all.get("nextCursor").isNull());
        assertEquals(List.of("The bees made lavender honey this year", "My locker code is Thistlewick",
                "I keep bees behind the old mill"), texts(JSON.readTree(ok(args("list", "--session", "s1", "--json")).out())));
        assertEquals(List.of("The bees made lavender honey this year", "I keep bees behind the old mill"),
                texts(JSON.readTree(ok(args("list", "--meta", "channel=chat", "--json")).out())));
        assertEquals(List.of("My locker code is Thistlewick"), texts(JSON.readTree(ok(args("list", "--json",
                "--from", "2024-04-01T09:01:00Z", "--to", "2024-04-01T09:02:00Z")).out())));
        JsonNode episodes = JSON.readTree(ok(args("list", "--kind", "EPISODE", "--json")).out());
        assertTrue(episodes.get("memories").size() >= 1, episodes.toString());
        episodes.get("memories").forEach(m -> assertEquals("EPISODE", m.get("kind").asText()));
        assertEquals("(no memories)\n(0 memories; no older ones)",
                ok("list", "--data-dir", data.toString(), "--tenant", "acme", "--user", "nobody").out().strip());
    }

    @Test
    void badOptionsAreNamed() {
        CliRun limit = CliRun.of(args("list", "--limit", "0"));
        assertEquals(Main.EXIT_BAD_INPUT, limit.exit(), limit.transcript());
        assertTrue(limit.err().contains("--limit: must be in 1..1000, was 0"), limit.err());
        CliRun cursor = CliRun.of(args("list", "--cursor", "bogus"));
        assertEquals(Main.EXIT_BAD_INPUT, cursor.exit(), cursor.transcript());
        assertTrue(cursor.err().startsWith("loci list: error: --cursor: is not a cursor a listing returned"),
                cursor.err());
        CliRun missing = CliRun.of("list", "--data-dir", dir.resolve("nowhere").toString(), "--tenant", "acme");
        assertTrue(missing.exit() != 0 && !missing.err().contains("Exception"), missing.transcript());
        assertTrue(!Files.exists(dir.resolve("nowhere")), "list never creates a data directory");
    }

    @Test
    void usersListsTheTenantsUsersWithCountsAndLastActivity() throws IOException {
        String table = ok("users", "--data-dir", data.toString(), "--tenant", "acme").out();
        assertTrue(table.contains("ben") && table.contains("2024-04-02T19:00:00Z") && table.contains("(1 users)"), table);
        JsonNode ben = JSON.readTree(ok("users", "--data-dir", data.toString(), "--tenant", "acme", "--json").out())
                .get("users").get(0);
        assertEquals("ben", ben.get("userId").asText());
        assertTrue(ben.get("memories").asLong() >= 4, "four turns and what was built from them: " + ben);
        assertEquals(4, ben.get("byKind").get("TURN").asLong(), ben.toString());
        long sum = 0;
        var kinds = new ArrayList<String>();
        for (var e : ben.get("byKind").properties()) {
            sum += e.getValue().asLong();
            kinds.add(e.getKey());
        }
        assertEquals(ben.get("memories").asLong(), sum, "the kinds add up to the whole: " + ben);
        String[] header = table.lines().findFirst().orElseThrow().trim().split(" +");
        assertEquals(List.of("user", "memories"), List.of(header).subList(0, 2), table);
        assertEquals(kinds, List.of(header).subList(2, 2 + kinds.size()), "a column per kind ben has: " + table);
        String[] row = table.lines().skip(1).findFirst().orElseThrow().trim().split(" +");
        assertEquals(List.of("ben", ben.get("memories").asText(), "4"), List.of(row).subList(0, 3), table);
        assertEquals("2024-04-02T19:00:00Z", ben.get("lastActivity").asText());
        assertTrue(ok("users", "--data-dir", data.toString(), "--tenant", "other").out().contains("(no users)"));
        CliRun bad = CliRun.of("users", "--data-dir", data.toString(), "--tenant", "acme", "--user", "ben");
        assertEquals(Main.EXIT_BAD_INPUT, bad.exit(), bad.transcript());
        assertTrue(bad.err().contains("give --tenant only"), bad.transcript());
    }
}
