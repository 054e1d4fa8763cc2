package dev.loci.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LongMemEval harness end to end, on a small file in the benchmark's format. */
class LongMemEvalBenchmarkTest {
    private static final Path FIXTURE = Path.of("src/test/resources/longmemeval-fixture.json");
    private static final double EPS = 1e-9;
    @TempDir
    Path out;

    private JsonNode run(LociFactory factory, Path dir) throws IOException {
        new LongMemEvalBenchmark(LongMemEvalBenchmark.Options.defaults()).run(FIXTURE, dir, factory,
                ProgressListener.NONE);
        return new ObjectMapper().readTree(dir.resolve("report.json").toFile());
    }

    @Test
    void reportFollowsTheSchemaAndSkipsAbstention() throws IOException {
        JsonNode r = run(Fakes.plain(), out);
        assertEquals("longmemeval", r.get("benchmark").asText());
        assertEquals("loci", r.get("default_pipeline").asText());
        JsonNode counts = r.get("counts");
        assertEquals(3, counts.get("items").asLong());
        assertEquals(1, counts.get("skipped_abstention").asLong());
        assertEquals(2, counts.get("evaluated_session_level").asLong());
        assertEquals(2, counts.get("evaluated_turn_level").asLong());
        JsonNode overall = r.get("pipelines").get("loci").get("overall");
        for (String level : new String[] {"session_", "turn_"}) {
            for (String metric : new String[] {"recall_any@", "recall_all@", "ndcg_any@"}) {
                for (int k : new int[] {1, 3, 5, 10, 30, 50}) {
                    assertTrue(overall.has(level + metric + k), level + metric + k);
                }
            }
        }
        assertEquals(Set.of("multi-session", "single-session-user"),
                LocomoBenchmarkTest.names(r.get("pipelines").get("loci").get("groups")));
        assertTrue(Files.readString(out.resolve("report.md")).contains("bm25"));
    }

    @Test
    void bm25ScoresWhatCanBeWorkedOutByHand() throws IOException {
        JsonNode groups = run(Fakes.plain(), out).get("pipelines").get("bm25").get("groups");
        // "chain ... blue bicycle" matches only the first turn of s-bike: first session, first turn.
        JsonNode single = groups.get("single-session-user");
        assertEquals(1.0, single.get("session_recall_any@1").asDouble(), EPS);
        assertEquals(1.0, single.get("session_ndcg_any@1").asDouble(), EPS);
        assertEquals(1.0, single.get("turn_recall_all@1").asDouble(), EPS);
        // "lighthouses ... visit" matches the two gold sessions' only turns and nothing else: they
        // take ranks 1 and 2 (in some order), so every cut-off from 3 on is perfect, and at 1
        // one of the two gold sessions is found: any = 1, all = 0, ndcg = 1 (ideal DCG at 1 is 1).
        JsonNode multi = groups.get("multi-session");
        assertEquals(1.0, multi.get("session_recall_any@1").asDouble(), EPS);
        assertEquals(0.0, multi.get("session_recall_all@1").asDouble(), EPS);
        assertEquals(1.0, multi.get("session_ndcg_any@1").asDouble(), EPS);
        assertEquals(1.0, multi.get("session_recall_all@3").asDouble(), EPS);
        assertEquals(1.0, multi.get("session_ndcg_any@3").asDouble(), EPS);
        assertEquals(1.0, multi.get("turn_recall_all@3").asDouble(), EPS);
    }

    @Test
    void sameInputSameNumbers() throws IOException {
        JsonNode first = run(Fakes.defaults(), out.resolve("one"));
        JsonNode second = run(Fakes.defaults(), out.resolve("two"));
        for (String name : LocomoBenchmarkTest.names(first.get("pipelines"))) {
            assertEquals(first.get("pipelines").get(name).get("overall"), second.get("pipelines").get(name).get("overall"),
                    name);
            assertEquals(first.get("pipelines").get(name).get("groups"), second.get("pipelines").get(name).get("groups"),
                    name);
        }
    }

    @Test
    void aFileThatIsNotAListIsNamed() throws IOException {
        Path bad = out.resolve("object.json");
        Files.writeString(bad, "{\"question_id\": \"q\"}");
        var e = assertThrows(EvalDataException.class,
                () -> new LongMemEvalBenchmark(LongMemEvalBenchmark.Options.defaults()).run(bad, out.resolve("r"),
                        Fakes.plain(), ProgressListener.NONE));
        assertEquals(bad + ": a LongMemEval file is a JSON list of items", e.getMessage());
    }
}
