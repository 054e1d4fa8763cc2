package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loci export}, {@code import}, {@code backup} and {@code restore} on a store the real engine
 * wrote (two users, one memory updated so it has two versions): the round trip is exact (same
 * bytes, same recall), bad lines are named by file, line and field, a Mem0 export becomes memories
 * a default recall and the context block find.
 */
class CliExportImportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path data;
    static Path exported;

    @BeforeAll
    static void twoUsersOneUpdateAndAnExport() throws IOException {
        data = dir.resolve("data");
        Path maya = dir.resolve("conversation.json");
        try (InputStream in = CliExportImportTest.class.getResourceAsStream("/demo/conversation.json")) {
            Files.copy(in, maya);
        }
        Path ben = Files.writeString(dir.resolve("ben.jsonl"), """
                {"text": "I keep bees behind the old mill", "speaker": "Ben", "timestamp": "2024-04-01T09:00:00Z", "metadata": {"channel": "chat", "a": "1"}}
                {"text": "The bees made lavender honey this year", "speaker": "Ben", "timestamp": "2024-04-01T09:02:00Z"}
                """);
        ok("ingest", "--data-dir", data.toString(), "--tenant", "acme", "--user", "maya", "--no-progress", maya.toString());
        ok("ingest", "--data-dir", data.toString(), "--tenant", "acme", "--user", "ben", "--no-progress", ben.toString());
        JsonNode hits = JSON.readTree(ok("recall", "--data-dir", data.toString(), "--tenant", "acme", "--user", "ben",
                "--json", "bees honey").out());
        String turn = null;
        for (JsonNode h : hits) {
            if (h.path("kind").asText().equals("TURN")) {
                turn = h.path("id").asText();
                break;
            }
        }
        ok("update", "--data-dir", data.toString(), "--tenant", "acme", "--user", "ben", turn,
                "The bees made heather honey this year");
        exported = dir.resolve("all.jsonl");
        ok("export", "--data-dir", data.toString(), "--out", exported.toString());
    }

    private static CliRun ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exit(), run.transcript());
        return run;
    }

    private static CliRun bad(String message, String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(Main.EXIT_BAD_INPUT, run.exit(), run.transcript());
        assertTrue(run.err().contains(message), run.transcript());
        return run;
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    @Test
    void exportImportExportGivesTheSameBytesAndTheSameRecall() throws IOException {
        List<String> lines = lines(exported);
        JsonNode header = JSON.readTree(lines.getFirst());
        assertEquals("loci-export", header.path("format").asText());
        assertTrue(header.path("embedder").asText().endsWith(" " + header.path("dimensions").asInt()), lines.getFirst());
        assertEquals(lines.size() - 2, JSON.readTree(lines.getLast()).path("memories").asLong());
        String stats = ok("stats", "--data-dir", data.toString()).out();
        assertTrue(stats.matches("(?s).*\\nmemories +" + (lines.size() - 2) + "\\n.*"), stats);
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"version\":2") && l.contains("heather")), "updated memory");
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"validTo\":\"") && l.contains("lavender")), "its version 1");

        Path copy = dir.resolve("copy");
        CliRun imported = ok("import", "--data-dir", copy.toString(), exported.toString());
        assertTrue(imported.err().contains((lines.size() - 2) + " memories imported"), imported.transcript());
        Path again = dir.resolve("again.jsonl");
        ok("export", "--data-dir", copy.toString(), "--out", again.toString());
        assertArrayEquals(Files.readAllBytes(exported), Files.readAllBytes(again));

        // The original's replaced versions are deleted documents that weigh in its BM25 statistics
        // until compaction; the copy never had them.
        try (var store = dev.loci.store.lucene.LuceneMemoryStore.open(data,
                dev.loci.store.lucene.LuceneStoreConfig.defaults())) {
            store.compact();
        }
        for (String query : List.of("what honey did the bees make")) {
            // Same memories, same order, the same fused scores to 1e-4: kNN scores come from int8
            // vectors quantized against their segment's centroid, and the copy's segments are not the
            // original's (the access times a recall records differ, and BM25 ranks of exactly tied
            // documents follow the index's document order).
            List<Hit> original = ranking(data, query);
            List<Hit> copied = ranking(copy, query);
            assertEquals(original.stream().map(Hit::id).toList(), copied.stream().map(Hit::id).toList(), query);
            for (int i = 0; i < original.size(); i++) {
                assertEquals(original.get(i).score(), copied.get(i).score(), 1e-4, original.get(i).id());
            }
        }
        assertTrue(ok("check", "--data-dir", copy.toString()).out().contains("OK: no damage found"));
        CliRun twice = ok("import", "--data-dir", copy.toString(), exported.toString());
        assertTrue(twice.err().contains("(" + (lines.size() - 2) + " replaced memories with the same id)"),
                twice.transcript());
    }

    private record Hit(String id, double score) {
    }

    private static List<Hit> ranking(Path store, String query) throws IOException {
        List<Hit> out = new ArrayList<>();
        for (JsonNode hit : JSON.readTree(ok("recall", "--data-dir", store.toString(), "--tenant", "acme", "--json",
                query).out())) {
            out.add(new Hit(hit.path("id").asText(), hit.path("score").asDouble()));
        }
        assertFalse(out.isEmpty(), "recall found nothing in " + store);
        return out;
    }

    @Test
    void exportOfOneUserHoldsOnlyTheirs() throws IOException {
        Path bens = dir.resolve("ben.export.jsonl");
        ok("export", "--data-dir", data.toString(), "--user", "ben", "--out", bens.toString());
        List<String> lines = lines(bens);
        assertTrue(lines.size() > 3, lines.toString());
        for (String l : lines.subList(1, lines.size() - 1)) {
            assertEquals("ben", JSON.readTree(l).path("memory").path("scope").path("userId").asText(), l);
        }
    }

    @Test
    void badLinesAreNamedByLineAndFieldAndNothingIsImported() throws IOException {
        List<String> lines = lines(exported);
        Path target = dir.resolve("never");
        Path cut = Files.write(dir.resolve("cut.jsonl"), lines.subList(0, 5));
        bad("cut.jsonl:5: ends without its closing line: the export was cut short after 4 memories; nothing imported",
                "import", "--data-dir", target.toString(), cut.toString());

        var kind = new ArrayList<>(lines);
        kind.set(2, kind.get(2).replaceFirst("\"kind\":\"[A-Z]+\"", "\"kind\":\"DREAM\""));
        bad("kind.jsonl:3: memory.kind: is not a kind: DREAM", "import", "--data-dir", target.toString(),
                Files.write(dir.resolve("kind.jsonl"), kind).toString());

        var vector = new ArrayList<>(lines);
        vector.set(3, vector.get(3).replaceFirst("\"vector\":\"[^\"]+\"", "\"vector\":\"AAAAAAAAAAAAAAAA\""));
        bad("vector.jsonl:4: vector: has 3 dimensions; the header says ", "import", "--data-dir", target.toString(),
                Files.write(dir.resolve("vector.jsonl"), vector).toString());

        var json = new ArrayList<>(lines);
        json.set(1, json.get(1).substring(0, 40));
        bad("json.jsonl:2: not JSON: ", "import", "--data-dir", target.toString(),
                Files.write(dir.resolve("json.jsonl"), json).toString());

        var twice = new ArrayList<>(lines);
        twice.add(2, lines.get(1));
        twice.set(twice.size() - 1, twice.getLast().replaceFirst("\"memories\":\\d+", "\"memories\":" + (lines.size() - 1)));
        bad("twice.jsonl:3: memory ", "import", "--data-dir", target.toString(),
                Files.write(dir.resolve("twice.jsonl"), twice).toString());

        bad("chat.jsonl:1: format: not a Loci export", "import", "--data-dir", target.toString(),
                Files.writeString(dir.resolve("chat.jsonl"), "{\"text\": \"hi\"}\n").toString());
        assertFalse(Files.exists(target), "nothing written from a file with an error");
    }

    @Test
    void anExportOfAnotherModelIsRefused() throws IOException {
        List<String> lines = new ArrayList<>(lines(exported));
        lines.set(0, lines.getFirst().replaceFirst("\"embedder\":\"[^\"]+\"", "\"embedder\":\"other-model 384\""));
        bad("model.jsonl:1: embedder: the file's vectors were made by 'other-model 384' but ", "import",
                "--data-dir", data.toString(), Files.write(dir.resolve("model.jsonl"), lines).toString());
    }

    @Test
    void aMem0ExportBecomesMemoriesThatADefaultRecallFinds() throws IOException {
        Path mem0 = Files.writeString(dir.resolve("mem0.json"), """
                {"results": [
                  {"id": "892db2ae-06d9-49e5-8b3e-585ef9b85b8e", "memory": "Is vegetarian and allergic to peanuts",
                   "hash": "x", "metadata": {"priority": 2}, "categories": ["food", "health"],
                   "created_at": "2024-07-26T10:29:36.630547-07:00", "updated_at": "2024-09-02T08:00:00Z", "user_id": "alex"},
                  {"id": "5f1c", "memory": "Plays the cello in a community orchestra", "user_id": "alex",
                   "created_at": "2024-08-01T09:00:00Z"},
                  {"id": "77aa", "memory": "Works night shifts as a nurse", "user_id": "sam",
                   "created_at": "2024-08-03T09:00:00Z"}
                ]}
                """);
        Path target = dir.resolve("mem0-data");
        CliRun run = ok("import", "--data-dir", target.toString(), "--format", "mem0", "--tenant", "acme", mem0.toString());
        assertTrue(run.err().contains("3 memories imported"), run.transcript());
        // No --kind: what a user who just moved from Mem0 types first.
        JsonNode hits = JSON.readTree(ok("recall", "--data-dir", target.toString(), "--tenant", "acme", "--user", "alex",
                "--json", "what food can alex not eat").out());
        JsonNode first = hits.get(0);
        assertEquals("mem0-892db2ae-06d9-49e5-8b3e-585ef9b85b8e", first.path("id").asText(), hits.toString());
        assertEquals("892db2ae-06d9-49e5-8b3e-585ef9b85b8e", first.path("clientId").asText(), hits.toString());
        assertEquals("CHUNK", first.path("kind").asText());
        assertEquals("2024-07-26T17:29:36.630547Z", first.path("occurredAt").asText());
        assertEquals("2024-09-02T08:00:00Z", first.path("validFrom").asText());
        assertEquals("food,health", first.path("metadata").path("categories").asText());
        assertEquals("2", first.path("metadata").path("priority").asText());
        assertEquals("mem0", first.path("metadata").path("source").asText());
        assertEquals(2, hits.size(), "alex's two memories, not sam's: " + hits);
        assertEquals("5f1c", hits.get(1).path("clientId").asText(), hits.toString());
        // Nothing updated: valid from when it was created.
        assertEquals("2024-08-01T09:00:00Z", hits.get(1).path("validFrom").asText(), hits.toString());

        String context = ok("context", "--data-dir", target.toString(), "--tenant", "acme", "--user", "alex",
                "--budget", "200", "what does alex do in the evenings").out();
        assertTrue(context.contains("Plays the cello in a community orchestra"), context);
        assertFalse(context.contains("night shifts"), context);

        // Importing the same file again replaces, never duplicates.
        run = ok("import", "--data-dir", target.toString(), "--format", "mem0", "--tenant", "acme", mem0.toString());
        assertTrue(run.err().contains("(3 replaced memories with the same id)"), run.transcript());
        assertEquals(2, JSON.readTree(ok("recall", "--data-dir", target.toString(), "--tenant", "acme", "--user", "alex",
                "--json", "cello").out()).size());

        bad("bad-mem0.json:results[1]: results[1].memory: is required", "import", "--data-dir", target.toString(),
                "--format", "mem0", "--tenant", "acme", Files.writeString(dir.resolve("bad-mem0.json"),
                        "{\"results\": [{\"id\": \"a\", \"memory\": \"x\"}, {\"id\": \"b\"}]}").toString());
        bad("--tenant: is required with --format mem0", "import", "--data-dir", target.toString(), "--format", "mem0",
                mem0.toString());
    }

    @Test
    void aBackupRestoresToTheSameExport() throws IOException {
        Path backup = dir.resolve("backup");
        CliRun run = ok("backup", "--data-dir", data.toString(), "--out", backup.toString());
        assertTrue(run.out().contains("OK: backup of " + data + " in " + backup), run.transcript());
        Path restored = dir.resolve("restored");
        ok("restore", "--from", backup.toString(), "--data-dir", restored.toString());
        Path again = dir.resolve("restored.jsonl");
        ok("export", "--data-dir", restored.toString(), "--out", again.toString());
        assertArrayEquals(Files.readAllBytes(exported), Files.readAllBytes(again));
        bad("--out: " + backup + ": is not empty", "backup", "--data-dir", data.toString(), "--out", backup.toString());
    }
}
