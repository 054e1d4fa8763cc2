package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loci.embedded.EmbeddedOptions;
import dev.loci.store.lucene.LuceneMemoryStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented command-line session of README.md, in order, through {@link Main} with the real
 * engine (ONNX model, Lucene store) on one data directory: ingest, re-ingest, stats, recall,
 * get, forget, and a locked data directory. Every command opens the engine once, so the class
 * keeps to one command per step.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALLERGY = "By the way, I can't have peanuts at all, I'm seriously allergic, "
            + "so no peanut-based dog treats in the house either.";

    @TempDir
    static Path dir;
    static Path data;
    static Path conversation;
    /** Memories after the first ingest: the 36 turns plus the episodes built from them. */
    static long memoriesAfterIngest;
    /** The id of the allergy turn, as recall reported it. */
    static String allergyId;

    @BeforeAll
    static void demoConversationOnDisk() throws IOException {
        data = dir.resolve("data");
        conversation = dir.resolve("conversation.json");
        try (InputStream in = CliEndToEndTest.class.getResourceAsStream("/demo/conversation.json")) {
            Files.copy(in, conversation);
        }
    }

    private static CliRun ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exit(), run.transcript());
        return run;
    }

    private static String allergyId() {
        assertTrue(allergyId != null, "recallAsJsonExplainsEachResult found the allergy turn's id");
        return allergyId;
    }

    private static String[] withStore(String command, String... rest) {
        var args = new ArrayList<>(List.of(command, "--data-dir", data.toString(), "--tenant", "acme", "--user", "maya"));
        args.addAll(List.of(rest));
        return args.toArray(String[]::new);
    }

    private static long memories() {
        CliRun stats = ok("stats", "--data-dir", data.toString());
        Matcher m = Pattern.compile("(?m)^memories\\s+(\\d+)$").matcher(stats.out());
        assertTrue(m.find(), stats.out());
        assertTrue(stats.out().contains("bge-small-en-v1.5-q (384 dimensions)"), stats.out());
        return Long.parseLong(m.group(1));
    }

    @Test
    @Order(1)
    void ingestRemembersEveryTurnOfTheDemoConversation() {
        CliRun run = ok(withStore("ingest", "--no-progress", conversation.toString()));
        assertTrue(run.out().startsWith("ingested 36 messages (36 new, 0 already present) in "), run.out());

        memoriesAfterIngest = memories();
        assertTrue(memoriesAfterIngest >= 36, "36 turns (and their episodes): " + memoriesAfterIngest);
    }

    @Test
    @Order(2)
    void statsCountsMemoriesByKindInAlignedColumns() {
        List<String> lines = ok("stats", "--data-dir", data.toString()).out().lines().toList();
        int column = lines.get(0).indexOf(data.toAbsolutePath().toString());
        long byKind = 0;
        for (String line : lines) {
            assertTrue(line.length() > column && line.charAt(column - 1) == ' ' && line.charAt(column) != ' ',
                    "every value starts in column " + column + ": " + String.join("\n", lines));
            if (line.startsWith("  ")) {
                byKind += Long.parseLong(line.substring(column).strip());
            }
        }
        assertTrue(lines.contains("  TURN" + " ".repeat(column - 6) + "36"), String.join("\n", lines));
        assertEquals(memoriesAfterIngest, byKind, "the kinds add up to the memories");
    }

    @Test
    @Order(2)
    void ingestingTheSameFileAgainAddsNothing() {
        CliRun run = ok(withStore("ingest", conversation.toString()));
        assertTrue(run.out().startsWith("ingested 36 messages (0 new, 36 already present) in "), run.out());
        assertFalse(run.err().contains("\r"), "off a terminal, no redrawn progress bar: " + run.err());

        assertEquals(memoriesAfterIngest, memories());
    }

    @Test
    @Order(3)
    void recallAsJsonExplainsEachResult() throws IOException {
        CliRun run = ok(withStore("recall", "--json", "--k", "5", "Does Maya have any food allergies?"));
        JsonNode results = JSON.readTree(run.out());

        assertTrue(results.isArray());
        assertEquals(5, results.size(), run.out());
        JsonNode top = results.get(0);
        allergyId = top.get("id").asText();
        assertEquals(ALLERGY, top.get("text").asText());
        assertEquals("Maya", top.get("speaker").asText());
        assertEquals("user", top.get("role").asText());
        assertEquals("TURN", top.get("kind").asText());
        assertEquals("s1", top.get("scope").get("sessionId").asText());
        assertEquals("maya", top.get("scope").get("userId").asText());
        assertTrue(top.get("occurredAt").asText().startsWith("2024-03-02T18:10:"), top.get("occurredAt").asText());
        assertTrue(top.get("clientId").asText().startsWith("auto:"), top.get("clientId").asText());
        assertEquals(1, top.get("signals").get("dense").get("rank").asInt(), "closest in meaning");
        assertTrue(top.get("signals").get("bm25").get("rank").asInt() <= 3, "and among the best word matches");

        double previous = Double.MAX_VALUE;
        for (JsonNode r : results) {
            assertTrue(r.get("id").isTextual() && !r.get("id").asText().isBlank(), r.toString());
            double score = r.get("score").asDouble();
            assertTrue(score > 0 && score <= previous, "scores are positive and descending: " + run.out());
            previous = score;
            JsonNode signals = r.get("signals");
            assertTrue(signals.has("bm25") || signals.has("dense"), r.toString());
            signals.forEach(s -> {
                assertTrue(s.get("rank").asInt() >= 1, s.toString());
                assertTrue(s.has("score") && s.has("contribution"), s.toString());
            });
        }
    }

    @Test
    @Order(4)
    void recallPrintsATableByDefault() {
        CliRun run = ok(withStore("recall", "--k", "3", "What is the name of Maya's dog?"));
        List<String> lines = run.out().lines().toList();

        assertTrue(lines.get(0).matches("#\\s+id\\s+fused\\s+bm25 rank/sc\\s+dense rank/sc\\s+date\\s+speaker\\s+text"),
                lines.get(0));
        assertEquals(5, lines.size(), "header, three rows, summary: " + run.out());
        // rank, id, then the fused score (score fusion sums two normalised scores: 0..2)
        var row = java.util.regex.Pattern.compile("1\\s+\\S+\\s+(\\d\\.\\d{5})\\s+.*").matcher(lines.get(1));
        assertTrue(row.matches(), lines.get(1));
        assertEquals(lines.get(0).indexOf("fused"), row.start(1), "columns line up: " + run.out());
        assertTrue(lines.subList(1, 4).stream().anyMatch(l -> l.contains("We called her Biscuit")), run.out());
        assertTrue(lines.get(4).matches("\\(3 results in \\d+\\.\\d ms; loading the embedding model took \\d+\\.\\d s\\)"),
                lines.get(4));
    }

    @Test
    @Order(4)
    void contextPacksTheBestMemoriesUnderTheBudget() throws IOException {
        CliRun run = ok(withStore("context", "--budget", "120", "--json", "Does Maya have any food allergies?"));
        JsonNode block = JSON.readTree(run.out());
        int tokens = block.get("tokens").asInt();
        assertTrue(tokens > 0 && tokens <= 120, run.out());
        assertEquals(120, block.get("budget").asInt());
        assertEquals("cl100k_base", block.get("encoding").asText());
        assertEquals(tokens, dev.loci.embedded.JtokkitTokenCounter.cl100k().count(block.get("text").asText()),
                "the count is the tokenizer's count of the text");
        String text = block.get("text").asText();
        assertTrue(text.startsWith("About the user:\nMaya:\n"), "the profile first: " + run.out());
        assertTrue(text.contains("pet: dog"), "read from the dog adoption: " + run.out());
        assertTrue(text.contains("\n\nRelevant memories (oldest first):\n["), run.out());
        assertTrue(block.get("items").size() >= 1, run.out());

        CliRun plain = ok(withStore("context", "--budget", "60", "--encoding", "o200k", "peanut allergy"));
        assertTrue(plain.out().strip().lines().reduce((a, b) -> b).orElseThrow()
                .matches("\\(\\d+ of 60 o200k_base tokens, \\d+ lines\\)"), plain.out());
    }

    @Test
    @Order(4)
    void theIdsInTheTableAreTheOnesGetTakes() throws IOException {
        CliRun run = ok(withStore("recall", "--k", "3", "What is the name of Maya's dog?"));
        for (String row : run.out().lines().toList().subList(1, 4)) {
            String id = row.split("\\s+")[1];
            JsonNode memory = JSON.readTree(ok(withStore("get", id)).out());
            assertEquals(id, memory.get("id").asText());
            assertTrue(row.contains(Output.clip(memory.get("text").asText(), 80)), row);
        }
    }

    @Test
    @Order(5)
    void getPrintsTheMemoryAsJson() throws IOException {
        CliRun run = ok(withStore("get", allergyId()));
        JsonNode memory = JSON.readTree(run.out());

        assertEquals(allergyId(), memory.get("id").asText());
        assertEquals(ALLERGY, memory.get("text").asText());
        assertEquals("acme", memory.get("scope").get("tenant").asText());
    }

    @Test
    @Order(6)
    void forgetRemovesItAndGetThenSaysSo() {
        CliRun forget = ok(withStore("forget", allergyId()));
        assertEquals("forgot " + allergyId(), forget.out().strip());

        CliRun get = CliRun.of(withStore("get", allergyId()));
        assertEquals(1, get.exit(), get.transcript());
        assertEquals("", get.out());
        assertEquals("loci get: no memory " + allergyId() + " in --tenant acme --user maya", get.err().strip());

        assertEquals(memoriesAfterIngest - 1, memories());
    }

    @Test
    @Order(7)
    void forgettingItAgainSaysThereIsNothingToForget() {
        CliRun again = CliRun.of(withStore("forget", allergyId()));
        assertEquals(1, again.exit(), again.transcript());
        assertEquals("loci forget: no memory " + allergyId() + " in --tenant acme --user maya", again.err().strip());
    }

    @Test
    @Order(8)
    void aDataDirInUseInThisProcessIsAStorageError() {
        try (var holder = LuceneMemoryStore.open(data, EmbeddedOptions.defaults().store())) {
            for (String[] args : List.of(withStore("recall", "dog"), new String[] {"stats", "--data-dir", data.toString()})) {
                CliRun run = CliRun.of(args);
                assertEquals(Main.EXIT_STORAGE, run.exit(), run.transcript());
                assertTrue(run.err().startsWith("loci " + args[0] + ": error: data directory " + data
                        + " is in use by another Loci instance or process"), run.err());
                assertEquals(1, run.err().lines().count(), "no stack trace: " + run.err());
            }
        }
    }

    @Test
    @Order(9)
    void aDataDirInUseByAnotherProcessExitsWithTheStorageCode() throws Exception {
        try (var holder = LuceneMemoryStore.open(data, EmbeddedOptions.defaults().store())) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "--add-modules",
                    "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "stats", "--data-dir", data.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
            assertEquals(Main.EXIT_STORAGE, p.exitValue(), out);
            assertTrue(out.contains("loci stats: error: data directory " + data + " is in use"), out);
        }
    }
}
