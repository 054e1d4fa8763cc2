package dev.loci;

import dev.loci.engine.LociEngine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.internal.recall.RecallPipeline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Recall reinforces what it returns, and retention, when weighted, ranks by it (manual clock). */
class RetentionRecallTest {
    private static final Scope ANNA = Scope.user("acme", "anna");

    private static Rig rig(double retentionWeight) {
        LociConfig flat = Rig.flat();
        return Rig.create(7, flat.withRecall(flat.recall().withRetention(retentionWeight))
                .withForgetting(flat.forgetting().withSweepInterval(null)));
    }

    private static Message said(String text, String who, String clientId) {
        return Message.of("Anna", text, Rig.T0).withClientId(clientId).withMetadata(Map.of("who", who));
    }

    @Test
    void recallAndContextCountAsRecalls() {
        var rig = rig(0);
        var ids = rig.loci().remember(ANNA, List.of(said("My sister lives in Porto", "s", "c1"),
                said("I play the cello on Sundays", "c", "c2"))).ids();
        rig.clock().advance(Duration.ofHours(1));
        var hits = rig.loci().recall(ANNA, RecallQuery.of("Where does my sister live?").withK(1)).results();
        assertEquals(ids.get(0), hits.get(0).memory().id());
        Memory recalled = rig.loci().get(ANNA, ids.get(0)).orElseThrow();
        assertEquals(1, recalled.lifecycle().accessCount());
        assertEquals(Rig.T0.plus(Duration.ofHours(1)), recalled.lifecycle().lastAccessedAt());
        assertEquals(0, rig.loci().get(ANNA, ids.get(1)).orElseThrow().lifecycle().accessCount(), "not returned");

        rig.clock().advance(Duration.ofHours(1));
        var block = rig.loci().context(ANNA, "cello on Sundays", 1000);
        assertTrue(block.items().stream().anyMatch(i -> i.covers().contains(ids.get(1))));
        assertEquals(1, rig.loci().get(ANNA, ids.get(1)).orElseThrow().lifecycle().accessCount());

        int counted = rig.loci().get(ANNA, ids.get(0)).orElseThrow().lifecycle().accessCount();
        rig.loci().recall(ANNA, RecallQuery.of("sister Porto").withK(1).withAsOf(Rig.T0.plusSeconds(1)));
        assertEquals(counted, rig.loci().get(ANNA, ids.get(0)).orElseThrow().lifecycle().accessCount(),
                "a look at the past is not a recall");
    }

    @Test
    void reinforcementCanBeTurnedOff() {
        LociConfig flat = Rig.flat();
        var rig = Rig.create(7, flat.withForgetting(flat.forgetting().withReinforceOnRecall(false)));
        String id = rig.loci().remember(ANNA, List.of(said("My sister lives in Porto", "s", "c1"))).ids().get(0);
        rig.loci().recall(ANNA, RecallQuery.of("sister"));
        assertEquals(Lifecycle.NONE, rig.loci().get(ANNA, id).orElseThrow().lifecycle());
    }

    /**
     * Two memories that match a query equally: the one the tie goes to without retention is left
     * alone, the other is recalled often (through a filter that only it passes). A month later the
     * often recalled one ranks first once retention counts, and says so in its signals.
     */
    @Test
    void anOftenRecalledMemoryOutranksAnEquallyMatchingStaleOne() {
        var rig = rig(0.5);
        String text = "The spare key is under the blue flower pot";
        rig.loci().remember(ANNA, List.of(said(text, "x", "c1"), said(text, "y", "c2")));
        var query = RecallQuery.of("where is the spare key").withK(2);
        var flat = rig.loci().config().recall().withRetention(0);

        // Looks as of now (asOf) do not count as recalls, so these comparisons leave the counts alone.
        var before = rig.loci().recall(ANNA, query.withAsOf(rig.clock().instant()), flat).results();
        for (String signal : List.of(Signal.BM25, Signal.DENSE)) {
            assertEquals(score(before.get(0), signal), score(before.get(1), signal), 1e-12,
                    "they match equally; only their ranks (a tie broken by order) differ");
        }
        String stale = before.get(0).memory().id();
        String loser = before.get(1).memory().id();
        String who = before.get(1).memory().metadata().get("who");
        for (int day = 1; day <= 30; day++) {
            rig.clock().advance(Duration.ofDays(1));
            if (day % 3 == 0) {
                rig.loci().recall(ANNA, query.withMetadata(Map.of("who", who)).withK(1));
            }
        }
        assertEquals(10, rig.loci().get(ANNA, loser).orElseThrow().lifecycle().accessCount());

        var plain = rig.loci().recall(ANNA, query.withAsOf(rig.clock().instant()), flat).results();
        assertEquals(stale, plain.get(0).memory().id(), "without retention the tie still goes the same way");
        assertFalse(plain.get(0).signals().stream().anyMatch(s -> s.name().equals(RecallPipeline.RETENTION)));

        assertEquals(0, rig.loci().get(ANNA, stale).orElseThrow().lifecycle().accessCount());
        var ranked = rig.loci().recall(ANNA, query).results();
        assertEquals(loser, ranked.get(0).memory().id(), "the often recalled memory comes first");
        Signal retained = ranked.get(0).signals().stream().filter(s -> s.name().equals(RecallPipeline.RETENTION))
                .findFirst().orElseThrow();
        Signal faded = ranked.get(1).signals().stream().filter(s -> s.name().equals(RecallPipeline.RETENTION))
                .findFirst().orElseThrow();
        assertTrue(retained.score() > faded.score(), retained + " vs " + faded);
        var retention = rig.loci().config().forgetting().retention();
        Memory staleMemory = ranked.get(1).memory();
        assertEquals(Math.exp(-30.0 / 30), retention.at(staleMemory, rig.clock().instant()), 1e-9,
                "never recalled: one base strength (30 days) after it was recorded");
        assertEquals(retention.at(staleMemory, rig.clock().instant()), faded.score(), 1e-12);
    }

    private static double score(Recalled r, String signal) {
        return r.signals().stream().filter(s -> s.name().equals(signal)).findFirst().orElseThrow().score();
    }
}
