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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loci update}, {@code loci history} and {@code loci recall --as-of} with the real engine. */
class CliHistoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LINES = """
            {"text": "My studio is in the old tannery by the river", "speaker": "Ines", "timestamp": "2024-04-01T09:00:00Z"}
            {"text": "I paint mostly seascapes in oil", "speaker": "Ines", "timestamp": "2024-04-01T09:01:00Z"}
            """;

    @TempDir
    Path dir;

    private String[] store(String command, String... rest) {
        var args = new ArrayList<>(List.of(command, "--data-dir", dir.resolve("data").toString(), "--tenant", "acme",
                "--user", "ines"));
        args.addAll(List.of(rest));
        return args.toArray(String[]::new);
    }

    private static CliRun ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exit(), run.transcript());
        return run;
    }

    @Test
    void updateKeepsTheOldVersionForHistoryAndAsOfRecall() throws IOException {
        Path file = Files.writeString(dir.resolve("ines.jsonl"), LINES);
        ok(store("ingest", "--no-progress", file.toString()));
        JsonNode found = JSON.readTree(ok(store("recall", "--json", "--k", "1", "studio tannery river")).out());
        String id = found.get(0).get("id").asText();
        String beforeUpdate = java.time.Instant.now().toString();

        JsonNode updated = JSON.readTree(ok(store("update", id, "My studio moved to a loft above the bakery")).out());
        assertEquals(2, updated.get("version").asInt());

        JsonNode history = JSON.readTree(ok(store("history", "--json", id)).out());
        assertEquals(2, history.size(), history.toString());
        assertEquals("My studio is in the old tannery by the river", history.get(0).get("text").asText());
        assertTrue(history.get(0).get("validTo").isTextual(), "the old version closed: " + history.get(0));
        assertTrue(history.get(1).get("validTo").isNull(), "the new one holds: " + history.get(1));
        String table = ok(store("history", id)).out();
        assertTrue(table.contains("v1") && table.contains("v2") && table.contains("-> now"), table);

        JsonNode now = JSON.readTree(ok(store("recall", "--json", "--k", "1", "studio tannery river")).out());
        assertEquals("My studio moved to a loft above the bakery", now.get(0).get("text").asText());
        JsonNode then = JSON.readTree(ok(store("recall", "--json", "--k", "1", "--as-of", beforeUpdate,
                "studio tannery river")).out());
        assertEquals("My studio is in the old tannery by the river", then.get(0).get("text").asText());

        // The conversation was said in April 2024 and imported today: Loci knew nothing of it in
        // May 2024 (record time), but it held then (valid time), in its current, corrected version.
        JsonNode known = JSON.readTree(ok(store("recall", "--json", "--as-of", "2024-05-01T00:00:00Z",
                "studio")).out());
        assertEquals(0, known.size(), known.toString());
        JsonNode held = JSON.readTree(ok(store("recall", "--json", "--k", "1", "--held-at", "2024-05-01T00:00:00Z",
                "studio loft")).out());
        assertEquals("My studio moved to a loft above the bakery", held.get(0).get("text").asText(), held.toString());
        JsonNode before = JSON.readTree(ok(store("recall", "--json", "--held-at", "2024-03-01T00:00:00Z",
                "studio")).out());
        assertEquals(0, before.size(), "not said yet: " + before);
    }

    @Test
    void unknownIdsAndBadInputAreReported() throws IOException {
        Path file = Files.writeString(dir.resolve("ines.jsonl"), LINES);
        ok(store("ingest", "--no-progress", file.toString()));
        CliRun missing = CliRun.of(store("history", "no-such-id"));
        assertEquals(1, missing.exit(), missing.transcript());
        assertTrue(missing.err().contains("no memory no-such-id"), missing.transcript());
        CliRun noUpdate = CliRun.of(store("update", "no-such-id", "text"));
        assertEquals(1, noUpdate.exit(), noUpdate.transcript());
        JsonNode found = JSON.readTree(ok(store("recall", "--json", "--k", "1", "seascapes")).out());
        CliRun blank = CliRun.of(store("update", found.get(0).get("id").asText(), " "));
        assertEquals(Main.EXIT_BAD_INPUT, blank.exit(), blank.transcript());
        assertTrue(blank.err().contains("TEXT: must not be empty"), blank.transcript());
        CliRun badTime = CliRun.of(store("recall", "--as-of", "last week", "seascapes"));
        assertEquals(Main.EXIT_BAD_INPUT, badTime.exit(), badTime.transcript());
        assertTrue(badTime.err().contains("--as-of"), badTime.transcript());
        CliRun both = CliRun.of(store("recall", "--as-of", "2024-05-01T00:00:00Z", "--held-at", "2024-05-01T00:00:00Z",
                "seascapes"));
        assertEquals(Main.EXIT_BAD_INPUT, both.exit(), both.transcript());
        assertTrue(both.err().contains("--held-at") && both.err().contains("not both"), both.transcript());
    }
}
