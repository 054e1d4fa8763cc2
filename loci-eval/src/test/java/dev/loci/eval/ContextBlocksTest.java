package dev.loci.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LoCoMo report measures what context blocks reach at each budget. */
class ContextBlocksTest {
    private static final double EPS = 1e-9;
    @TempDir
    Path out;

    private JsonNode run(LocomoBenchmark.Options options) throws IOException {
        new LocomoBenchmark(options).run(Fixtures.path("locomo-context.json"), out, Fakes.plain(), ProgressListener.NONE);
        return new ObjectMapper().readTree(out.resolve("report.json").toFile());
    }

    @Test
    void contextBlocksAreMeasuredAtEachBudget() throws IOException {
        JsonNode context = run(LocomoBenchmark.Options.defaults()).get("context");
        var budgets = new TreeSet<String>();
        context.fieldNames().forEachRemaining(budgets::add);
        assertEquals(Set.of("1000", "2000"), budgets);
        for (String budget : List.of("1000", "2000")) {
            JsonNode b = context.get(budget);
            // each conversation of the fixture is a few hundred tokens: every turn fits in full
            assertEquals(1.0, b.get("recall").asDouble(), EPS, budget);
            assertEquals(1.0, b.get("hit").asDouble(), EPS, budget);
            assertTrue(b.get("tokens_mean").asDouble() > 0 && b.get("tokens_mean").asDouble() <= 1000, b.toString());
            assertTrue(b.has("latency_p50_ms") && b.has("latency_p99_ms"), b.toString());
        }
        assertTrue(Files.readString(out.resolve("report.md")).contains("## Context blocks"));
    }

    @Test
    void aBlockTooSmallForTheEvidenceReachesLess() throws IOException {
        var d = LocomoBenchmark.Options.defaults();
        var options = new LocomoBenchmark.Options(d.includeAdversarial(), d.captions(), d.ks(), d.depth(),
                d.embedderSample(), List.of(12));
        JsonNode b = run(options).get("context").get("12");
        assertTrue(b.get("recall").asDouble() < 1.0, b.toString());
        assertTrue(b.get("tokens_mean").asDouble() <= 12, b.toString());
    }

    @Test
    void withoutBudgetsTheReportHasNoContextSection() throws IOException {
        var d = LocomoBenchmark.Options.defaults();
        var options = new LocomoBenchmark.Options(d.includeAdversarial(), d.captions(), d.ks(), d.depth(),
                d.embedderSample(), List.of());
        assertTrue(run(options).get("context") == null);
    }
}
