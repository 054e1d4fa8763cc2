package dev.loci.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalReportTest {
    private static final long MS = 1_000_000;

    private static EvalReport report() {
        var pipelines = new LinkedHashMap<String, EvalReport.PipelineResult>();
        pipelines.put("bm25", new EvalReport.PipelineResult(Map.of("recall@5", 1 / 3.0, "mrr", 0.5),
                Map.of("4 single-hop", Map.of("recall@5", 1 / 3.0, "mrr", 0.5)), Map.of("4 single-hop", 3),
                Map.of("p50", 1.0, "p95", 2.0, "p99", 3.0), 42.4));
        pipelines.put("loci", new EvalReport.PipelineResult(Map.of("recall@5", 2 / 3.0, "mrr", 1.0),
                Map.of("4 single-hop", Map.of("recall@5", 2 / 3.0, "mrr", 1.0)), Map.of("4 single-hop", 3),
                Map.of("p50", 4.0, "p95", 5.0, "p99", 6.0), 50));
        return new EvalReport("locomo", "loci", pipelines, Map.of("turns_per_s", 100.0, "embedder_texts_per_s", 200.0),
                Map.of("qa_evaluated", 3L), Map.of("memories", 9.0), Map.of("depth", "100"), List.of("recall@5", "mrr"));
    }

    @Test
    void latencyPercentilesUseTheNearestRank() {
        assertEquals(Map.of("p50", 3.0, "p95", 5.0, "p99", 5.0),
                EvalReport.latency(new long[] {5 * MS, 1 * MS, 3 * MS, 2 * MS, 4 * MS}));
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = (i + 1) * MS;
        }
        assertEquals(Map.of("p50", 50.0, "p95", 95.0, "p99", 99.0), EvalReport.latency(hundred));
        assertEquals(Map.of("p50", 0.0, "p95", 0.0, "p99", 0.0), EvalReport.latency(new long[0]));
    }

    @Test
    void jsonFollowsTheSchemaWithSixDecimals(@TempDir Path dir) throws IOException {
        report().write(dir);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertEquals("locomo", json.get("benchmark").asText());
        assertEquals("loci", json.get("default_pipeline").asText());
        JsonNode bm25 = json.get("pipelines").get("bm25");
        assertEquals(0.333333, bm25.get("overall").get("recall@5").asDouble());
        assertEquals(0.333333, bm25.get("groups").get("4 single-hop").get("recall@5").asDouble());
        assertEquals(3, bm25.get("group_sizes").get("4 single-hop").asInt());
        assertEquals(2.0, bm25.get("latency_ms").get("p95").asDouble());
        assertEquals(42.4, bm25.get("tokens_per_query").asDouble());
        assertEquals(100.0, json.get("ingest").get("turns_per_s").asDouble());
        assertEquals(3, json.get("counts").get("qa_evaluated").asLong());
        assertEquals(9.0, json.get("resources").get("memories").asDouble());
        assertEquals("100", json.get("config").get("depth").asText());
    }

    @Test
    void markdownHasARowPerPipelineAndGroupTablesForTheAtFiveAndAtTenMetrics(@TempDir Path dir) throws IOException {
        report().write(dir);
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("| pipeline | recall@5 | mrr | p50 ms | p95 ms | p99 ms | tokens/query |"), md);
        assertTrue(md.contains("| bm25 | 0.333 | 0.500 | 1.00 | 2.00 | 3.00 | 42 |"), md);
        assertTrue(md.contains("| loci | 0.667 | 1.000 | 4.00 | 5.00 | 6.00 | 50 |"), md);
        assertTrue(md.contains("## recall@5 per group"), md);
        assertTrue(md.contains("| pipeline | 4 single-hop (n=3) |"), md);
        assertFalse(md.contains("## mrr per group"), md);
        assertTrue(md.contains("| qa_evaluated | 3 |"), md);
    }
}
