package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LociConfigTest {

    /** Candidate counts, fusion constant and weights by name; every later step at its default. */
    private static RecallConfig recall(int lexicalTopN, int denseTopN, int rrfK, double lexicalWeight,
                                       double denseWeight) {
        return RecallConfig.builder().lexicalTopN(lexicalTopN).denseTopN(denseTopN).rrfK(rrfK)
                .lexicalWeight(lexicalWeight).denseWeight(denseWeight).build();
    }

    private static InvalidInputException rejects(String field, Executable build) {
        var e = assertThrows(InvalidInputException.class, build);
        assertEquals(field, e.field());
        assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
        return e;
    }

    @Test
    void defaultsAreTheDocumentedValues() {
        var d = LociConfig.defaults();
        assertEquals(IngestConfig.builder().maxTextChars(32_000).maxMessagesPerCall(100_000).build(), d.ingest());
        assertEquals(recall(100, 100, 60, 1.0, 1.0), d.recall());
        assertEquals(IngestConfig.defaults(), d.ingest());
        assertEquals(0.0, d.recall().temporalWeight());
        assertEquals(0.5, d.recall().periodWeight());
        assertEquals(0.5, d.recall().supersededFactor());
        assertEquals(20, d.recall().episodeTopN());
        assertEquals(0.90, d.consolidation().topicThreshold());
        assertEquals(1_024, d.consolidation().queueCapacity());
        assertTrue(d.consolidation().facts() && d.consolidation().levels() && d.consolidation().episodes());
        assertEquals(RecallConfig.defaults(), d.recall());
    }

    @Test
    void partsAreRequired() {
        rejects("config.ingest", () -> LociConfig.builder().ingest(null).build());
        rejects("config.recall", () -> LociConfig.builder().recall(null).build());
        rejects("config.ingest", () -> LociConfig.defaults().withIngest(null));
        rejects("config.recall", () -> LociConfig.defaults().withRecall(null));
    }

    @Test
    void withersReplaceOnePart() {
        var ingest = IngestConfig.builder().maxTextChars(10).maxMessagesPerCall(20).build();
        var recall = recall(5, 6, 7, 0.5, 2.0);
        var c = LociConfig.defaults().withIngest(ingest);
        assertEquals(LociConfig.builder().ingest(ingest).build(), c);
        assertEquals(LociConfig.builder().ingest(ingest).recall(recall).build(), c.withRecall(recall));
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0})
    void ingestLimitsMustBePositive(int bad) {
        var e = rejects("config.ingest.maxTextChars", () -> IngestConfig.builder().maxTextChars(bad).maxMessagesPerCall(10).build());
        assertTrue(e.getMessage().contains(">= 1") && e.getMessage().contains("was " + bad), e.getMessage());
        e = rejects("config.ingest.maxMessagesPerCall", () -> IngestConfig.builder().maxTextChars(10).maxMessagesPerCall(bad).build());
        assertTrue(e.getMessage().contains(">= 1") && e.getMessage().contains("was " + bad), e.getMessage());
    }

    @Test
    void ingestLimitsAcceptOne() {
        assertEquals(IngestConfig.builder().maxTextChars(1).maxMessagesPerCall(1).build(), IngestConfig.builder().maxTextChars(1).maxMessagesPerCall(1).build());
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 10_001})
    void topNOutsideRangeNamesTheRange(int bad) {
        var e = rejects("config.recall.lexicalTopN", () -> recall(bad, 10, 60, 1, 1));
        assertTrue(e.getMessage().contains("0..10000") && e.getMessage().contains("was " + bad), e.getMessage());
        e = rejects("config.recall.denseTopN", () -> recall(10, bad, 60, 1, 1));
        assertTrue(e.getMessage().contains("0..10000") && e.getMessage().contains("was " + bad), e.getMessage());
    }

    @Test
    void topNBoundariesAreAccepted() {
        recall(0, 1, 60, 1, 1);
        recall(1, 0, 60, 1, 1);
        recall(10_000, 10_000, 60, 1, 1);
    }

    @Test
    void bothSignalsOffIsRejected() {
        var e = rejects("config.recall", () -> recall(0, 0, 60, 1, 1));
        assertTrue(e.getMessage().contains("lexicalTopN") && e.getMessage().contains("denseTopN"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0})
    void rrfKMustBePositive(int bad) {
        var e = rejects("config.recall.rrfK", () -> recall(10, 10, bad, 1, 1));
        assertTrue(e.getMessage().contains(">= 1") && e.getMessage().contains("was " + bad), e.getMessage());
        assertEquals(1, recall(10, 10, 1, 1, 1).rrfK());
    }

    @ParameterizedTest
    @ValueSource(doubles = {-1e-9, -1, Double.NEGATIVE_INFINITY, Double.NaN})
    void weightsMustBeNonNegativeNumbers(double bad) {
        var e = rejects("config.recall.lexicalWeight", () -> recall(10, 10, 60, bad, 1));
        assertTrue(e.getMessage().contains(">= 0"), e.getMessage());
        rejects("config.recall.denseWeight", () -> recall(10, 10, 60, 1, bad));
    }

    @ParameterizedTest
    @ValueSource(doubles = {-1e-9, 1.0001, Double.NaN})
    void theStepsForEvidenceOverSessionsTakeShares(double bad) {
        rejects("config.recall.feedbackWeight", () -> RecallConfig.builder().feedbackWeight(bad).build());
        rejects("config.recall.sessionWeight", () -> RecallConfig.builder().sessionWeight(bad).build());
        rejects("config.recall.factWeight", () -> RecallConfig.builder().factWeight(bad).build());
        var all = RecallConfig.builder().feedbackWeight(0.5).sessionWeight(1).factWeight(0.25).build();
        assertEquals(List.of(0.5, 1.0, 0.25), List.of(all.feedbackWeight(), all.sessionWeight(), all.factWeight()));
        assertEquals(List.of(0.0, 0.0, 0.0), List.of(all.flat().feedbackWeight(), all.flat().sessionWeight(),
                all.flat().factWeight()), "plain fusion turns them off");
        var d = RecallConfig.defaults();
        assertEquals(List.of(0.0, 0.5, 0.0), List.of(d.feedbackWeight(), d.sessionWeight(), d.factWeight()),
                "sessions first is on by default, feedback and facts as keys are off");
    }

    @Test
    void zeroWeightIsAllowed() {
        assertEquals(0.0, recall(10, 10, 60, 0, 1).lexicalWeight());
    }

    @Test
    void lexicalOnlyAndDenseOnlyTurnTheOtherSignalOff() {
        var base = recall(40, 70, 30, 2.0, 0.5);
        assertEquals(recall(40, 0, 30, 2.0, 0.5), base.lexicalOnly());
        assertEquals(recall(0, 70, 30, 2.0, 0.5), base.denseOnly());
        // switching to a signal that was off still fetches at least one candidate from it
        assertEquals(RecallConfig.defaults().lexicalTopN(), base.denseOnly().lexicalOnly().lexicalTopN(),
                "a signal that was off comes back with the default candidate count");
        assertEquals(0, base.denseOnly().lexicalOnly().denseTopN());
    }

    @Test
    void aBuilderNamesEachSettingAndValidatesOnBuild() {
        var c = ConsolidationConfig.builder().minEpisodeTurns(2).maxEpisodeTurns(8).facts(false).build();
        assertEquals(2, c.minEpisodeTurns());
        assertEquals(8, c.maxEpisodeTurns());
        assertEquals(ConsolidationConfig.defaults().withFacts(false), c.toBuilder().minEpisodeTurns(3)
                .maxEpisodeTurns(16).build(), "toBuilder keeps what is not named");
        rejects("config.consolidation.maxEpisodeTurns",
                () -> ConsolidationConfig.builder().minEpisodeTurns(5).maxEpisodeTurns(4).build());
        assertEquals(java.time.Duration.ofMinutes(30), ConsolidationConfig.defaults().episodeGap());
        assertEquals(java.time.Duration.ofMinutes(5),
                ConsolidationConfig.builder().episodeGap(java.time.Duration.ofMinutes(5)).build().episodeGap());
        for (var bad : new java.time.Duration[] {null, java.time.Duration.ZERO, java.time.Duration.ofDays(8)}) {
            rejects("config.consolidation.episodeGap", () -> ConsolidationConfig.builder().episodeGap(bad).build());
        }
        var f = ForgettingConfig.builder().maxMemoriesPerUser(10).timeToLive(java.time.Duration.ofDays(1)).build();
        assertEquals(f, ForgettingConfig.defaults().withMaxMemoriesPerUser(10).withTimeToLive(java.time.Duration.ofDays(1)));
        rejects("config.forgetting.maxMemoriesPerUser", () -> ForgettingConfig.builder().maxMemoriesPerUser(-1).build());
    }

    @Test
    void withersAndBuildersAgree() {
        var viaWithers = RecallConfig.defaults().withRouting(1.0).withDiversity(0.3).withSupersession(1.0);
        var viaBuilder = RecallConfig.builder().routingWeight(1.0).diversity(0.3).supersededFactor(1.0).build();
        assertEquals(viaWithers, viaBuilder);
        var flat = RecallConfig.defaults().flat();
        assertEquals(0, flat.temporalWeight());
        assertEquals(1.0, flat.supersededFactor());
        assertEquals(RecallConfig.defaults().lexicalTopN(), flat.lexicalTopN());
    }
}
