package dev.loci.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same input gives the same quality numbers; only timings and throughput may differ. */
class DeterminismTest {
    @TempDir
    Path first;

    @TempDir
    Path second;

    /** Everything in report.json but latency, throughput and process figures. */
    private static JsonNode quality(Path dir) throws IOException {
        JsonNode report = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        ObjectNode pipelines = new ObjectMapper().createObjectNode();
        report.get("pipelines").properties().forEach(e -> {
            ObjectNode p = pipelines.putObject(e.getKey());
            p.set("overall", e.getValue().get("overall"));
            p.set("groups", e.getValue().get("groups"));
            p.set("group_sizes", e.getValue().get("group_sizes"));
        });
        ObjectNode out = new ObjectMapper().createObjectNode();
        out.set("pipelines", pipelines);
        out.set("counts", report.get("counts"));
        return out;
    }

    @Test
    void locomoTwiceGivesIdenticalMetrics() throws IOException {
        var benchmark = new LocomoBenchmark(LocomoBenchmark.Options.defaults());
        benchmark.run(Fixtures.path("locomo-mini.json"), first, Fixtures.fakeFactory(), ProgressListener.NONE);
        benchmark.run(Fixtures.path("locomo-mini.json"), second, Fixtures.fakeFactory(), ProgressListener.NONE);
        JsonNode a = quality(first);
        assertTrue(a.get("pipelines").get("loci").get("overall").size() > 0);
        assertEquals(a, quality(second));
    }

    @Test
    void longMemEvalTwiceGivesIdenticalMetrics() throws IOException {
        var benchmark = new LongMemEvalBenchmark(LongMemEvalBenchmark.Options.defaults());
        benchmark.run(Fixtures.path("longmemeval-mini.json"), first, Fixtures.fakeFactory(), ProgressListener.NONE);
        benchmark.run(Fixtures.path("longmemeval-mini.json"), second, Fixtures.fakeFactory(), ProgressListener.NONE);
        JsonNode a = quality(first);
        assertTrue(a.get("pipelines").get("loci").get("overall").size() > 0);
        assertEquals(a, quality(second));
    }
}
