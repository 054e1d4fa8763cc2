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

/** The LoCoMo harness end to end, on the fixture and the testkit fakes. */
class LocomoBenchmarkTest {
    private static final double EPS = 1e-9;
    @TempDir
    Path out;

    private JsonNode run(LocomoBenchmark.Options options, LociFactory factory, Path dir) throws IOException {
        new LocomoBenchmark(options).run(LocomoDatasetTest.FIXTURE, dir, factory, ProgressListener.NONE);
        return new ObjectMapper().readTree(dir.resolve("report.json").toFile());
    }

    @Test
    void reportFollowsTheSchemaAndCountsEverySkipAndRepair() throws IOException {
        JsonNode r = run(LocomoBenchmark.Options.defaults(), Fakes.plain(), out);
        assertEquals("locomo", r.get("benchmark").asText());
        assertEquals("loci", r.get("default_pipeline").asText());
        assertEquals(Set.of("bm25", "dense", "hybrid", "hybrid+routing", "hybrid+contiguity", "hybrid+temporal",
                "hybrid+diversity", "loci"), names(r.get("pipelines")));
        JsonNode loci = r.get("pipelines").get("loci");
        for (String metric : List.of("recall@1", "recall@5", "recall@10", "recall@20", "hit@1", "hit@5", "hit@10",
                "hit@20", "mrr")) {
            assertTrue(loci.get("overall").has(metric), metric);
        }
        assertEquals(Set.of("p50", "p95", "p99"), names(loci.get("latency_ms")));
        assertEquals(Set.of("1 multi-hop", "2 temporal", "3 open-domain", "4 single-hop"), names(loci.get("groups")));
        assertTrue(r.get("ingest").get("turns_per_s").asDouble() > 0);
        assertTrue(r.get("ingest").get("embedder_texts_per_s").asDouble() > 0);

        JsonNode counts = r.get("counts");
        assertEquals(2, counts.get("conversations").asLong());
        assertEquals(10, counts.get("turns").asLong());
        assertEquals(8, counts.get("qa_total").asLong());
        assertEquals(1, counts.get("skipped_adversarial").asLong());
        assertEquals(1, counts.get("skipped_no_evidence").asLong());
        assertEquals(6, counts.get("qa_evaluated").asLong());
        assertEquals(2, counts.get("evidence_ids_repaired").asLong());
        assertEquals(1, counts.get("evidence_strings_split").asLong());
        assertEquals(1, counts.get("evidence_ids_dropped").asLong());
        assertEquals(1, counts.get("evidence_duplicates_removed").asLong());
        assertTrue(Files.readString(out.resolve("report.md")).contains("| bm25 |"));
    }

    @Test
    void bm25ScoresWhatCanBeWorkedOutByHand() throws IOException {
        JsonNode bm25 = run(LocomoBenchmark.Options.defaults(), Fakes.plain(), out).get("pipelines").get("bm25");
        // Single-hop: each question shares a word with its evidence turn and with no other turn
        // ("cello", "bowing", "greenhouse"), so the evidence is first every time.
        JsonNode single = bm25.get("groups").get("4 single-hop");
        assertEquals(1.0, single.get("recall@1").asDouble(), EPS);
        assertEquals(1.0, single.get("mrr").asDouble(), EPS);
        // Multi-hop: "red kayak" matches only D1:4 (its caption), "paddle ... reservoir" only D2:1:
        // both in the top 2, one of them first.
        JsonNode multi = bm25.get("groups").get("1 multi-hop");
        assertEquals(0.5, multi.get("recall@1").asDouble(), EPS);
        assertEquals(0.0, multi.get("hit@1").asDouble(), EPS);
        assertEquals(1.0, multi.get("recall@5").asDouble(), EPS);
        assertEquals(1.0, multi.get("hit@5").asDouble(), EPS);
        assertEquals(1.0, multi.get("mrr").asDouble(), EPS);
    }

    @Test
    void contextBlocksAreMeasuredAtEachBudget() throws IOException {
        JsonNode context = run(LocomoBenchmark.Options.defaults(), Fakes.plain(), out).get("context");
        assertEquals(Set.of("1000", "2000"), names(context));
        for (String budget : List.of("1000", "2000")) {
            JsonNode b = context.get(budget);
            // each fixture conversation is a few hundred tokens: every turn fits in full
            assertEquals(1.0, b.get("recall").asDouble(), EPS, budget);
            assertEquals(1.0, b.get("hit").asDouble(), EPS, budget);
            assertTrue(b.get("tokens_mean").asDouble() > 0 && b.get("tokens_mean").asDouble() <= 1000, b.toString());
            assertTrue(b.has("latency_p50_ms") && b.has("latency_p99_ms"), b.toString());
        }
        assertTrue(Files.readString(out.resolve("report.md")).contains("## Context blocks"));
    }

    @Test
    void aBlockTooSmallForTheEvidenceReachesLess() throws IOException {
        var options = LocomoBenchmark.Options.defaults();
        options = new LocomoBenchmark.Options(options.includeAdversarial(), options.captions(), options.ks(),
                options.depth(), options.embedderSample(), List.of(12));
        JsonNode b = run(options, Fakes.plain(), out).get("context").get("12");
        assertTrue(b.get("recall").asDouble() < 1.0, b.toString());
        assertTrue(b.get("tokens_mean").asDouble() <= 12, b.toString());
    }

    @Test
    void adversarialQuestionsCountOnlyWithTheFlag() throws IOException {
        JsonNode r = run(LocomoBenchmark.Options.defaults().withAdversarial(true), Fakes.plain(), out);
        assertEquals(7, r.get("counts").get("qa_evaluated").asLong());
        assertTrue(r.get("pipelines").get("loci").get("groups").has("5 adversarial"));
    }

    @Test
    void withoutCaptionsAnImageTurnIsOnlyItsText() throws IOException {
        JsonNode multi = run(LocomoBenchmark.Options.defaults().withCaptions(false), Fakes.plain(), out)
                .get("pipelines").get("bm25").get("groups").get("1 multi-hop");
        assertEquals(0.5, multi.get("recall@1").asDouble(), EPS, "D2:1 still matches 'paddle ... reservoir'");
        assertEquals(0.0, multi.get("hit@1").asDouble(), EPS);
    }

    @Test
    void sameInputSameNumbers() throws IOException {
        JsonNode first = run(LocomoBenchmark.Options.defaults(), Fakes.defaults(), out.resolve("one"));
        JsonNode second = run(LocomoBenchmark.Options.defaults(), Fakes.defaults(), out.resolve("two"));
        for (String name : names(first.get("pipelines"))) {
            assertEquals(first.get("pipelines").get(name).get("overall"), second.get("pipelines").get(name).get("overall"),
                    name);
            assertEquals(first.get("pipelines").get(name).get("groups"), second.get("pipelines").get(name).get("groups"),
                    name);
        }
        assertEquals(first.get("counts"), second.get("counts"));
    }

    static Set<String> names(JsonNode object) {
        var out = new TreeSet<String>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
