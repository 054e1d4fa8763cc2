package dev.loci.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.store.lucene.LuceneStoreConfig.VectorEncoding;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recall benchmark at a few hundred memories: the JSON it writes has every figure, and they make sense. */
class RecallBenchmarkSmokeTest {
    @TempDir
    Path dir;

    @Test
    void tenantsLayoutWritesEveryFigureOncePerWayOfRankingOverOneBuild() throws Exception {
        Map<String, Object> report = run(RecallBenchmark.Layout.TENANTS, true, List.of(false, true));
        assertEquals("tenants", report.get("layout"));
        List<Map<String, Object>> rows = rows(report, 2);
        assertEquals(List.of(false, true), rows.stream().map(r -> r.get("rescore")).toList());
        for (Map<String, Object> row : rows) {
            assertEquals(3L, row.get("users"), "300 memories make 3 users of 100");
            assertEquals(1L, row.get("segments"), "merged to one segment");
            // 100 candidates per user: the kNN stage sees every one of them and must find the exact top 10.
            assertEquals(1.0, ((Number) row.get("annRecallAt10")).doubleValue(), 1e-9);
        }
        assertEquals(rows.get(0).get("bytesPerMemoryOnDisk"), rows.get(1).get("bytesPerMemoryOnDisk"), "one build");
    }

    @Test
    void singleLayoutWritesEveryFigure() throws Exception {
        Map<String, Object> report = run(RecallBenchmark.Layout.SINGLE, false, List.of(false));
        assertEquals("single", report.get("layout"));
        Map<String, Object> row = rows(report, 1).get(0);
        assertEquals(false, row.get("rescore"));
        assertEquals(1L, row.get("users"));
        double ann = ((Number) row.get("annRecallAt10")).doubleValue();
        assertTrue(ann > 0.5 && ann <= 1.0, "ANN recall " + ann);
    }

    private Map<String, Object> run(RecallBenchmark.Layout layout, boolean merge, List<Boolean> rescoring)
            throws Exception {
        Path json = dir.resolve("out/recall.json");
        var text = new ByteArrayOutputStream();
        RecallBenchmark.run(new RecallBenchmark.Options(List.of(300), 20, dir, layout, json, VectorEncoding.INT8, merge,
                1, rescoring), new PrintStream(text, true, StandardCharsets.UTF_8));
        Map<String, Object> report = Json.readObject(Files.readString(json));
        for (String key : List.of("date", "loadAverageStart", "loadAverageEnd", "cores", "vectors", "fixed", "sizes")) {
            assertTrue(report.containsKey(key), key + " missing from " + report.keySet());
        }
        @SuppressWarnings("unchecked")
        var fixed = (Map<String, Object>) report.get("fixed");
        assertTrue(((Number) fixed.get("rssBytes")).longValue() > 50L << 20, "a JVM with the model takes > 50 MiB");
        assertTrue(text.toString(StandardCharsets.UTF_8).contains("300 memories"), text.toString(StandardCharsets.UTF_8));
        return report;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rows(Map<String, Object> report, int expected) {
        var rows = (List<Map<String, Object>>) report.get("sizes");
        assertEquals(expected, rows.size());
        rows.forEach(RecallBenchmarkSmokeTest::checkRow);
        return rows;
    }

    @SuppressWarnings("unchecked")
    private static void checkRow(Map<String, Object> row) {
        assertEquals(300L, row.get("memories"));
        for (String latency : List.of("storeFusion", "endToEnd", "embedding", "bm25", "knn")) {
            var f = (Map<String, Object>) row.get(latency);
            double p50 = ((Number) f.get("p50Ms")).doubleValue();
            double p99 = ((Number) f.get("p99Ms")).doubleValue();
            assertTrue(p50 > 0 && p50 <= p99, latency + ": " + f);
            assertEquals(20L, f.get("n"));
        }
        var qps = (Map<String, Object>) row.get("qps");
        assertEquals(List.of("1", "4", "16"), List.copyOf(qps.keySet()));
        qps.values().forEach(v -> assertTrue(((Number) v).doubleValue() > 0, "qps " + qps));
        assertTrue(((Number) row.get("bytesPerMemoryOnDisk")).longValue() > 384 * 4,
                "each memory keeps at least its float vector on disk");
        var byFile = (Map<String, Object>) row.get("diskBytesPerMemoryByFile");
        assertTrue(byFile.containsKey("vectors, full precision"), byFile.toString());
        assertTrue(((Number) row.get("rssBytes")).longValue() > 0);
        assertTrue(row.containsKey("rssAboveFixedBytesPerMemory"));
        assertEquals(20L, row.get("annRecallQueries"));
    }
}
