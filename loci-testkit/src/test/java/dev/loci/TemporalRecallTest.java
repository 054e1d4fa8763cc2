package dev.loci;

import dev.loci.engine.LociEngine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.internal.recall.RecallPipeline;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Questions that name a time find what happened then. */
class TemporalRecallTest {
    private static final Scope MAYA = Scope.user("acme", "maya");
    private static final Instant SATURDAY = Instant.parse("2023-05-13T18:00:00Z");
    private static final Instant MONTH_BEFORE = Instant.parse("2023-04-08T18:00:00Z");
    private static final Instant ASKED = Instant.parse("2023-05-17T09:00:00Z"); // the Wednesday after

    private final Rig rig = Rig.create(3);

    private void cookTwice() {
        rig.loci().remember(MAYA.withSession("april"), List.of(
                Message.of("Maya", "I cooked a big pot of chili for friends", MONTH_BEFORE).withClientId("april")));
        rig.loci().remember(MAYA.withSession("may"), List.of(
                Message.of("Maya", "I cooked a pot of lentil soup", SATURDAY).withClientId("may")));
    }

    private List<String> ask(String question, Instant at, RecallConfig config) {
        return rig.loci().recall(MAYA, RecallQuery.of(question).withK(2).withAt(at), config).results().stream()
                .map(r -> r.memory().clientId()).toList();
    }

    @Test
    void aPeriodInTheQuestionRaisesWhatHappenedThen() {
        cookTwice();
        var config = rig.loci().config().recall().lexicalOnly().withTemporal(0.2).toBuilder() // the period step at full weight
                .fusion(RecallConfig.Fusion.RRF).periodWeight(1.0).build();
        assertEquals("april", ask("What did Maya cook in a big pot for friends?", ASKED, config).get(0),
                "without a time, the better word match wins");
        assertEquals("may", ask("What did Maya cook in a big pot for friends last weekend?", ASKED, config).get(0),
                "'last weekend', asked on 17 May 2023, is 13-14 May");
        assertEquals("april", ask("What did Maya cook in a big pot for friends in April?", ASKED, config).get(0));
    }

    @Test
    void theQuestionsMomentDecidesWhatARelativeTimeMeans() {
        cookTwice();
        var config = rig.loci().config().recall().lexicalOnly().withTemporal(0.2).toBuilder() // the period step at full weight
                .fusion(RecallConfig.Fusion.RRF).periodWeight(1.0).build();
        Instant weekAfterApril = Instant.parse("2023-04-12T09:00:00Z");
        assertEquals("april", ask("What did Maya cook last weekend?", weekAfterApril, config).get(0));
        assertEquals("may", ask("What did Maya cook last weekend?", ASKED, config).get(0));
    }

    @Test
    void thePeriodSignalExplainsTheRaiseAndCanBeSwitchedOff() {
        cookTwice();
        var on = rig.loci().recall(MAYA, RecallQuery.of("What did Maya cook last weekend?").withAt(ASKED),
                rig.loci().config().recall().withTemporal(0.2)).results();
        Recalled may = on.stream().filter(r -> r.memory().clientId().equals("may")).findFirst().orElseThrow();
        assertTrue(may.signal(RecallPipeline.PERIOD).isPresent());
        var off = rig.loci().recall(MAYA, RecallQuery.of("What did Maya cook last weekend?").withAt(ASKED),
                rig.loci().config().recall().withTemporal(0)).results();
        assertTrue(off.stream().allMatch(r -> r.signal(RecallPipeline.PERIOD).isEmpty()));
    }

    @Test
    void withoutAMomentTheClockDecides() {
        rig.clock().set(ASKED.minus(java.time.Duration.ofHours(1))); // remembered as it happened, asked later
        cookTwice();
        rig.clock().set(ASKED);
        var config = rig.loci().config().recall().lexicalOnly().withTemporal(0.2).toBuilder() // the period step at full weight
                .fusion(RecallConfig.Fusion.RRF).periodWeight(1.0).build();
        var results = rig.loci().recall(MAYA, RecallQuery.of("What did Maya cook in a big pot for friends last weekend?")
                .withK(2), config).results();
        assertEquals("may", results.get(0).memory().clientId());
    }

    @Test
    void aTimeSpokenOfADayOrTwoLaterStillCounts() {
        Instant monday = Instant.parse("2023-05-15T08:00:00Z"); // after the weekend the question names
        rig.loci().remember(MAYA.withSession("march"), List.of(
                Message.of("Maya", "I went hiking up the ridge trail", Instant.parse("2023-03-11T10:00:00Z"))
                        .withClientId("march")));
        rig.loci().remember(MAYA.withSession("monday"), List.of(
                Message.of("Maya", "I went hiking on Saturday, the lake trail", monday).withClientId("monday")));
        var config = rig.loci().config().recall().lexicalOnly().withTemporal(0.2).toBuilder()
                .fusion(RecallConfig.Fusion.RRF).periodWeight(1.0).build();
        var results = rig.loci().recall(MAYA, RecallQuery.of("Which trail did Maya go hiking up last weekend?")
                .withK(2).withAt(ASKED), config).results();
        assertEquals("monday", results.get(0).memory().clientId(), "said on Monday of the weekend asked about");
        assertTrue(results.get(0).signal(RecallPipeline.PERIOD).isPresent());
    }

    @Test
    void whatMerelyHappenedThenDoesNotOutrankTheAnswer() {
        rig.loci().remember(MAYA.withSession("earlier"), List.of(
                Message.of("Maya", "We saw a jazz quartet at the Blue Note downtown", MONTH_BEFORE).withClientId("jazz")));
        rig.loci().remember(MAYA.withSession("weekend"), List.of(
                Message.of("Maya", "Maya watered the plants", SATURDAY).withClientId("plants")));
        // score fusion: a weak word match keeps its small share (rank fusion would make any second place close)
        var config = rig.loci().config().recall().lexicalOnly().withTemporal(0.2).toBuilder()
                .fusion(RecallConfig.Fusion.SCORES).periodWeight(1.0).build();
        var results = rig.loci().recall(MAYA, RecallQuery.of("Which jazz quartet did Maya see last weekend?")
                .withK(2).withAt(ASKED), config).results();
        assertEquals("jazz", results.get(0).memory().clientId(),
                "the only memory of the weekend is not the answer because it is the best of that weekend");
    }
}
