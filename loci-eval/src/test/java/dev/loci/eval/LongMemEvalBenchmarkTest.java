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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LongMemEvalBenchmarkTest {
    private static final Path MINI = Fixtures.path("longmemeval-mini.json");
    private static final List<String> PIPELINES = List.of("bm25", "dense", "hybrid", "dense+nameless", "hybrid+routing",
            "hybrid+contiguity", "hybrid+temporal", "hybrid+diversity", "hybrid+retention", "hybrid+supersession", "hybrid+recency",
            "scores", "loci-speaker", "loci+present0.1",
            "loci+spread0.1", "loci-supersession", "loci-period", "loci+when0.2", "loci+lexical0.5", "loci-span", "loci+span0.1",
            "loci+span0.3", "loci+newer", "loci+newer0.7", "loci-newer", "loci+smallbm25at300", "loci-smallbm25",
            "loci+feedback", "loci+feedback0.25", "loci+feedback1.0", "loci-sessions", "loci+sessions0.25",
            "loci+sessions1.0", "loci+facts", "loci+facts0.5", "loci+feedback+facts", "loci-nameless",
            "loci+speaker0.2", "loci+speaker0.6", "loci");
    private static final List<Integer> KS = List.of(1, 3, 5, 10, 30, 50);
    private static final double EPS = 1e-6;

    @TempDir
    static Path out;
    private static JsonNode report;

    @BeforeAll
    static void run() throws IOException {
        new LongMemEvalBenchmark(LongMemEvalBenchmark.Options.defaults())
                .run(MINI, out, Fixtures.fakeFactory(), ProgressListener.NONE);
        report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    private static List<String> names(JsonNode object) {
        var names = new ArrayList<String>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> metricNames(String level) {
        return KS.stream().flatMap(k -> List.of(level + "recall_any@" + k, level + "recall_all@" + k,
                level + "ndcg_any@" + k).stream()).collect(Collectors.toSet());
    }

    private static JsonNode group(String pipeline, String group) {
        return report.get("pipelines").get(pipeline).get("groups").get(group);
    }

    @Test
    void reportJsonHasTheDocumentedSchema() throws IOException {
        assertEquals("longmemeval", report.get("benchmark").asText());
        assertEquals("loci", report.get("default_pipeline").asText());
        assertEquals(PIPELINES, names(report.get("pipelines")));
        var both = new HashSet<>(metricNames("session_"));
        both.addAll(metricNames("turn_"));
        for (String name : PIPELINES) {
            JsonNode p = report.get("pipelines").get(name);
            assertEquals(both, Set.copyOf(names(p.get("overall"))), name);
            assertEquals(Set.of("single-session-user", "multi-session", "knowledge-update"),
                    Set.copyOf(names(p.get("groups"))), name);
            assertEquals(List.of("p50", "p95", "p99"), names(p.get("latency_ms")), name);
        }
        assertEquals(List.of("turns_per_s", "embedder_texts_per_s"), names(report.get("ingest")));
        assertTrue(Files.readString(out.resolve("report.md")).startsWith("# LongMemEval retrieval report"));
    }

    @Test
    void abstentionItemsAreSkippedAndItemsWithoutAnswerTurnsAreScoredOnlyPerSession() {
        Map<String, Long> counts = new ObjectMapper().convertValue(report.get("counts"), new TypeReference<>() { });
        assertEquals(Map.of("items", 4L, "skipped_abstention", 1L, "skipped_turn_level_no_has_answer", 1L,
                "evaluated_session_level", 3L, "evaluated_turn_level", 2L, "turns", 21L), counts);
        for (String name : PIPELINES) {
            assertEquals(Map.of("single-session-user", 1, "multi-session", 1, "knowledge-update", 1),
                    new ObjectMapper().convertValue(report.get("pipelines").get(name).get("group_sizes"),
                            new TypeReference<Map<String, Integer>>() { }), name);
            assertEquals(metricNames("session_"), Set.copyOf(names(group(name, "knowledge-update"))), name);
        }
    }

    @Test
    void bm25FindsTheOnlyTurnSharingTheQuestionsWordsFirst() {
        JsonNode single = group("bm25", "single-session-user");
        for (String metric : List.of("session_recall_any@1", "session_recall_all@1", "session_ndcg_any@1",
                "turn_recall_any@1", "turn_recall_all@1", "turn_ndcg_any@1")) {
            assertEquals(1.0, single.get(metric).asDouble(), metric);
        }
    }

    /**
     * "Shed paint colour?": the only turns with those words are the last of m_s1 (all three),
     * m_s2 (shed, paint) and m_s3 (shed), so BM25 ranks exactly m_s1#2, m_s2#2, m_s3#2. Gold
     * sessions are m_s1 and m_s3; gold turns m_s1#0 (never ranked), m_s1#2 and m_s3#2.
     */
    @Test
    void multiSessionMetricsMatchTheHandComputedRanking() {
        JsonNode multi = group("bm25", "multi-session");
        assertEquals(1.0, multi.get("session_recall_any@1").asDouble());
        assertEquals(0.0, multi.get("session_recall_all@1").asDouble());
        assertEquals(1.0, multi.get("session_ndcg_any@1").asDouble());
        double sessionNdcg = (1 + 1 / log2(4)) / (1 + 1 / log2(3));
        double turnNdcg = (1 + 1 / log2(4)) / (1 + 1 / log2(3) + 1 / log2(4));
        for (int k : List.of(3, 5, 10, 30, 50)) {
            assertEquals(1.0, multi.get("session_recall_any@" + k).asDouble(), "k=" + k);
            assertEquals(1.0, multi.get("session_recall_all@" + k).asDouble(), "k=" + k);
            assertEquals(sessionNdcg, multi.get("session_ndcg_any@" + k).asDouble(), EPS, "k=" + k);
            assertEquals(1.0, multi.get("turn_recall_any@" + k).asDouble(), "k=" + k);
            assertEquals(0.0, multi.get("turn_recall_all@" + k).asDouble(), "m_s1#0 is gold but never ranked, k=" + k);
            assertEquals(turnNdcg, multi.get("turn_ndcg_any@" + k).asDouble(), EPS, "k=" + k);
        }
        assertEquals(0.919721, sessionNdcg, EPS);
        assertEquals(0.703918, turnNdcg, EPS);
        assertEquals(1.0, multi.get("turn_recall_any@1").asDouble());
        assertEquals(0.0, multi.get("turn_recall_all@1").asDouble());
        assertEquals(1.0, multi.get("turn_ndcg_any@1").asDouble());
    }

    @Test
    void theDataDirectoryIsRemovedAfterTheRun() throws IOException {
        try (var files = Files.list(out)) {
            assertEquals(Set.of("report.json", "report.md"),
                    Set.copyOf(files.map(p -> p.getFileName().toString()).toList()));
        }
    }

    @Test
    void eachItemIsItsOwnScopeWithSessionsDatedAndTurnsNamedBySessionAndIndex(@TempDir Path dir) throws IOException {
        var store = new InMemoryStore();
        LociFactory keepStore = d -> LociEngine.builder().embedder(new HashingEmbedder()).store(store)
                .clock(new ManualClock(Fixtures.T0)).random(new Random(3)).config(LociConfig.defaults()).build();
        new LongMemEvalBenchmark(LongMemEvalBenchmark.Options.defaults()).run(MINI, dir, keepStore, ProgressListener.NONE);

        try (LociEngine reopened = LociEngine.builder().embedder(new HashingEmbedder()).store(store)
                .clock(new ManualClock(Fixtures.T0)).config(LociConfig.defaults()).build()) {
            var query = RecallQuery.of("tools").withK(100).withKinds(Set.of(Kind.TURN));
            Map<String, Memory> turns = reopened.recall(new Scope("longmemeval", "q-multi-1", null, null), query)
                    .results().stream().map(Recalled::memory)
                    .collect(Collectors.toMap(Memory::clientId, m -> m));
            assertEquals(10, turns.size(), "four sessions, the blank turn left out");
            assertFalse(turns.containsKey("m_s3#1"));
            Memory answer = turns.get("m_s3#2");
            assertEquals(new Scope("longmemeval", "q-multi-1", null, "m_s3"), answer.scope());
            assertEquals(Instant.parse("2023-06-03T09:00:02Z"), answer.occurredAt());
            assertEquals("user", answer.role());
            assertEquals("The old shed by the gate is full of tools.", answer.text());
            assertEquals(List.of(), reopened.recall(new Scope("longmemeval", "q-multi-1_abs", null, null), query)
                    .results(), "the abstention item is not ingested");
        }
    }

    @Test
    void aBlankTurnMarkedAsHoldingTheAnswerIsNotGold(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("blank-answer.json"), """
                [{"question_id": "q1", "question_type": "single-session-user", "question": "Where did I plant tulips?",
                  "question_date": "2023/05/22 (Mon) 09:00",
                  "haystack_session_ids": ["s1", "s2"],
                  "haystack_dates": ["2023/05/20 (Sat) 02:21", "2023/05/21 (Sun) 10:05"],
                  "haystack_sessions": [
                    [{"role": "user", "content": "Can you recommend a film?"},
                     {"role": "assistant", "content": " ", "has_answer": true}],
                    [{"role": "user", "content": "I planted tulips by the fence.", "has_answer": true}]],
                  "answer_session_ids": ["s2"]}]
                """);
        new LongMemEvalBenchmark(new LongMemEvalBenchmark.Options(List.of(1), 10))
                .run(file, dir.resolve("out"), Fixtures.fakeFactory(), ProgressListener.NONE);
        JsonNode bm25 = new ObjectMapper().readTree(dir.resolve("out").resolve("report.json").toFile())
                .get("pipelines").get("bm25").get("overall");
        assertEquals(1.0, bm25.get("turn_recall_all@1").asDouble(),
                "the blank turn is never remembered, so it cannot be required evidence");
    }
}
