package dev.loci.eval;

import dev.loci.engine.LociEngine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loci.Kind;
import dev.loci.Loci;
import dev.loci.LociConfig;
import dev.loci.Memory;
import dev.loci.Message;
import dev.loci.RecallQuery;
import dev.loci.Recalled;
import dev.loci.Scope;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.InMemoryStore;
import dev.loci.testkit.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocomoBenchmarkTest {
    private static final Path MINI = Fixtures.path("locomo-mini.json");
    private static final List<String> PIPELINES = List.of("bm25", "dense", "hybrid", "dense+nameless", "hybrid+routing",
            "hybrid+contiguity", "hybrid+temporal", "hybrid+diversity", "hybrid+retention", "hybrid+supersession", "hybrid+recency",
            "scores", "loci-speaker", "loci+present0.1",
            "loci+spread0.1", "loci-supersession", "loci-period", "loci+when0.2", "loci+lexical0.5", "loci-span", "loci+span0.1", "loci+span0.3",
            "loci+newer", "loci+newer0.7", "loci-newer", "loci+smallbm25at300", "loci-smallbm25",
            "loci+feedback", "loci+feedback0.25", "loci+feedback1.0", "loci-sessions", "loci+sessions0.25",
            "loci+sessions1.0", "loci+facts", "loci+facts0.5", "loci+feedback+facts", "loci-nameless",
            "loci+speaker0.2", "loci+speaker0.6", "loci");

    @TempDir
    static Path defaultsOut;
    private static JsonNode defaults;

    @TempDir
    Path out;

    @BeforeAll
    static void runWithDefaults() throws IOException {
        defaults = run(LocomoBenchmark.Options.defaults(), defaultsOut);
    }

    private static JsonNode run(LocomoBenchmark.Options options, Path dir) throws IOException {
        new LocomoBenchmark(options).run(MINI, dir, Fixtures.fakeFactory(), ProgressListener.NONE);
        return new ObjectMapper().readTree(dir.resolve("report.json").toFile());
    }

    private static List<String> names(JsonNode object) {
        var names = new ArrayList<String>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Map<String, Long> counts(JsonNode report) {
        return new ObjectMapper().convertValue(report.get("counts"),
                new TypeReference<Map<String, Long>>() { });
    }

    @Test
    void haystackAddsTheOtherConversationsTurnsAndScoresTheSameQuestions() throws IOException {
        JsonNode hay = run(LocomoBenchmark.Options.defaults().withHaystack(1), out.resolve("hay"));
        Map<String, Long> plain = counts(defaults);
        Map<String, Long> more = counts(hay);
        assertEquals(plain.get("turns"), more.get("haystack_turns"), "two conversations: each borrows the other's turns");
        assertEquals(2 * plain.get("turns"), more.get("turns"));
        assertEquals(plain.get("qa_evaluated"), more.get("qa_evaluated"));
        assertTrue(hay.get("config").get("haystack").asText().startsWith("1 "));
        // distractors can only push evidence down, never be counted as evidence
        double before = defaults.get("pipelines").get("dense").get("overall").get("recall@20").asDouble();
        double after = hay.get("pipelines").get("dense").get("overall").get("recall@20").asDouble();
        assertTrue(after <= before + 1e-9, before + " -> " + after);
    }

    @Test
    void splitReportsEachHalfOnItsOwnAndConversationsNarrowTheRun() throws IOException {
        JsonNode split = run(LocomoBenchmark.Options.defaults().withSplit(true), out.resolve("split"));
        assertEquals(List.of("tune (1-1)", "held-out (2-2)"), names(split.get("splits")));
        long questions = split.get("counts").get("qa_evaluated").asLong();
        long perSplit = 0;
        for (JsonNode half : split.get("splits")) {
            assertEquals(PIPELINES, names(half));
            for (JsonNode size : half.get("loci").get("group_sizes")) {
                perSplit += size.asLong();
            }
        }
        assertEquals(questions, perSplit, "every question is in exactly one half");
        assertTrue(Files.readString(out.resolve("split").resolve("report.md")).contains("## Splits (tune (1-1) | held-out (2-2))"));

        JsonNode second = run(LocomoBenchmark.Options.defaults().withConversations(List.of(2)), out.resolve("second"));
        assertEquals(1, second.get("counts").get("conversations").asLong());
        assertEquals(List.of(1, 2, 3, 5, 7, 8, 9), LocomoBenchmark.Options.positions("1-3, 5,7-9"));
        org.junit.jupiter.api.Assertions.assertThrows(dev.loci.InvalidInputException.class,
                () -> LocomoBenchmark.Options.positions("3-1"));
    }

    @Test
    void reportJsonHasTheDocumentedSchema() throws IOException {
        JsonNode report = defaults;
        assertEquals("locomo", report.get("benchmark").asText());
        assertEquals("loci", report.get("default_pipeline").asText());
        assertEquals(PIPELINES, names(report.get("pipelines")));
        Set<String> metrics = Set.of("recall@1", "recall@5", "recall@10", "recall@20",
                "hit@1", "hit@5", "hit@10", "hit@20", "mrr");
        for (String name : PIPELINES) {
            JsonNode p = report.get("pipelines").get(name);
            assertEquals(metrics, Set.copyOf(names(p.get("overall"))), name);
            assertEquals(List.of("1 multi-hop", "2 temporal", "3 open-domain", "4 single-hop"), names(p.get("groups")),
                    name);
            p.get("groups").forEach(g -> assertEquals(metrics, Set.copyOf(names(g)), name));
            assertEquals(List.of("p50", "p95", "p99"), names(p.get("latency_ms")), name);
            p.get("overall").forEach(v -> assertTrue(v.isNumber() && v.asDouble() >= 0 && v.asDouble() <= 1, name));
        }
        assertEquals(List.of("turns_per_s", "embedder_texts_per_s"), names(report.get("ingest")));
        assertTrue(report.get("ingest").get("turns_per_s").asDouble() > 0);
        assertTrue(names(report.get("counts")).containsAll(Set.of("conversations", "turns", "qa_total", "qa_evaluated")));
        assertTrue(Files.readString(defaultsOut.resolve("report.md")).startsWith("# LoCoMo retrieval report"));
    }

    @Test
    void countsQuestionsSkipsAndRepairsWithCategoriesOneToFourByDefault() {
        JsonNode report = defaults;
        assertEquals(Map.ofEntries(Map.entry("conversations", 2L), Map.entry("turns", 15L), Map.entry("qa_total", 13L),
                        Map.entry("skipped_adversarial", 2L), Map.entry("skipped_no_evidence", 2L),
                        Map.entry("qa_evaluated", 9L), Map.entry("evidence_ids_repaired", 4L),
                        Map.entry("evidence_strings_split", 1L), Map.entry("evidence_ids_dropped", 3L),
                        Map.entry("evidence_duplicates_removed", 1L)),
                counts(report));
        for (String name : PIPELINES) {
            assertEquals(Map.of("1 multi-hop", 3, "2 temporal", 1, "3 open-domain", 2, "4 single-hop", 3),
                    new ObjectMapper().convertValue(report.get("pipelines").get(name).get("group_sizes"),
                            new TypeReference<Map<String, Integer>>() { }), name);
        }
        assertEquals("1-4", report.get("config").get("categories").asText());
    }

    @Test
    void adversarialQuestionsAreScoredWhenAskedFor() throws IOException {
        JsonNode report = run(LocomoBenchmark.Options.defaults().withAdversarial(true), out);
        Map<String, Long> counts = counts(report);
        assertEquals(11L, counts.get("qa_evaluated"));
        assertEquals(2L, counts.get("skipped_no_evidence"));
        assertFalse(counts.containsKey("skipped_adversarial"));
        JsonNode bm25 = report.get("pipelines").get("bm25");
        assertEquals(2, bm25.get("group_sizes").get("5 adversarial").asInt());
        assertTrue(bm25.get("groups").has("5 adversarial"));
        assertEquals("1-5", report.get("config").get("categories").asText());
    }

    @Test
    void aQuestionThatIsItsEvidenceTurnIsFoundFirstByBm25() {
        JsonNode openDomain = defaults.get("pipelines").get("bm25").get("groups").get("3 open-domain");
        assertEquals(1.0, openDomain.get("recall@1").asDouble(), "both questions of the group repeat their evidence turn");
        assertEquals(1.0, openDomain.get("hit@1").asDouble());
        assertEquals(1.0, openDomain.get("mrr").asDouble());
    }

    @Test
    void theDataDirectoryIsRemovedAfterTheRun() throws IOException {
        try (var files = Files.list(defaultsOut)) {
            assertEquals(Set.of("report.json", "report.md"),
                    Set.copyOf(files.map(p -> p.getFileName().toString()).toList()));
        }
    }

    @Test
    void eachConversationIsRememberedInItsOwnScopeSessionBySession() throws IOException {
        var store = new InMemoryStore();
        LociFactory keepStore = dir -> LociEngine.builder().embedder(new HashingEmbedder()).store(store)
                .clock(new ManualClock(Fixtures.T0)).random(new Random(3)).config(LociConfig.defaults()).build();
        new LocomoBenchmark(LocomoBenchmark.Options.defaults()).run(MINI, out, keepStore, ProgressListener.NONE);

        try (LociEngine reopened = LociEngine.builder().embedder(new HashingEmbedder()).store(store)
                .clock(new ManualClock(Fixtures.T0)).config(LociConfig.defaults()).build()) {
            List<Memory> turns = reopened.recall(new Scope("locomo", "conv-a", null, null),
                            RecallQuery.of("kitten").withK(100).withKinds(Set.of(Kind.TURN))).results().stream()
                    .map(Recalled::memory).sorted(Comparator.comparing(Memory::occurredAt)).toList();
            assertEquals(List.of("D1:1", "D1:2", "D1:3", "D2:1", "D2:2", "D2:3", "D10:1", "D10:2", "D10:3"),
                    turns.stream().map(Memory::clientId).toList(), "only conv-a's turns, sessions in order");
            Memory image = turns.get(2);
            assertEquals(new Scope("locomo", "conv-a", null, "session_1"), image.scope());
            assertEquals("Ada", image.speaker());
            assertEquals(Instant.parse("2023-03-03T10:00:02Z"), image.occurredAt());
            assertEquals("Mostly, although the dog hides under the bed. [image: a photo of a small grey kitten on a sofa]",
                    image.text());
            assertEquals(new Scope("locomo", "conv-a", null, "session_10"), turns.get(8).scope());
        }
    }

    @Test
    void messagesCarryDateSpeakerDiaIdAndOptionalCaption() {
        var session = LocomoDataset.read(MINI, new LocomoDataset.Repairs()).get(0).sessions().get(0);
        List<Message> withCaptions = LocomoBenchmark.messages(session, true);
        assertEquals(new Message(null, "Ada", "Mostly, although the dog hides under the bed."
                        + " [image: a photo of a small grey kitten on a sofa]",
                        Instant.parse("2023-03-03T10:00:02Z"), "D1:3", Map.of("dia_id", "D1:3")),
                withCaptions.get(2));
        assertEquals("Mostly, although the dog hides under the bed.",
                LocomoBenchmark.messages(session, false).get(2).text());
        assertEquals("I adopted a grey kitten named Pixel last weekend.", withCaptions.get(0).text());
        assertEquals(Instant.parse("2023-03-03T10:00:00Z"), withCaptions.get(0).timestamp());
    }

    @Test
    void progressIsReportedPerTurnAndPerQuestion() throws IOException {
        var seen = new ArrayList<String>();
        var progress = new ProgressListener() {
            private long steps;

            @Override
            public void start(String phase, long total) {
                seen.add(phase + " " + total);
                steps = 0;
            }

            @Override
            public void step(long n) {
                steps += n;
            }

            @Override
            public void done() {
                seen.add("done " + steps);
            }
        };
        new LocomoBenchmark(LocomoBenchmark.Options.defaults()).run(MINI, out, Fixtures.fakeFactory(), progress);
        assertEquals(List.of("ingest 15", "done 15", "recall 13", "done 13"), seen);
    }
}
