package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.LociConfig.IngestConfig;
import dev.loci.LociConfig.RecallConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LociConfigTest {

    private static InvalidInputException rejects(String field, Executable build) {
        var e = assertThrows(InvalidInputException.class, build);
        assertEquals(field, e.field());
        assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
        return e;
    }

    @Test
    void defaultsAreTheDocumentedValues() {
        var d = LociConfig.defaults();
        assertEquals(new IngestConfig(32_000, 100_000), d.ingest());
        assertEquals(new RecallConfig(100, 100, 60, 1.0, 1.0), d.recall());
        assertEquals(IngestConfig.defaults(), d.ingest());
        assertEquals(RecallConfig.defaults(), d.recall());
    }

    @Test
    void partsAreRequired() {
        rejects("config.ingest", () -> new LociConfig(null, RecallConfig.defaults()));
        rejects("config.recall", () -> new LociConfig(IngestConfig.defaults(), null));
        rejects("config.ingest", () -> LociConfig.defaults().withIngest(null));
        rejects("config.recall", () -> LociConfig.defaults().withRecall(null));
    }

    @Test
    void withersReplaceOnePart() {
        var ingest = new IngestConfig(10, 20);
        var recall = new RecallConfig(5, 6, 7, 0.5, 2.0);
        var c = LociConfig.defaults().withIngest(ingest);
        assertEquals(new LociConfig(ingest, RecallConfig.defaults()), c);
        assertEquals(new LociConfig(ingest, recall), c.withRecall(recall));
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0})
    void ingestLimitsMustBePositive(int bad) {
        var e = rejects("config.ingest.maxTextChars", () -> new IngestConfig(bad, 10));
        assertTrue(e.getMessage().contains(">= 1") && e.getMessage().contains("was " + bad), e.getMessage());
        e = rejects("config.ingest.maxMessagesPerCall", () -> new IngestConfig(10, bad));
        assertTrue(e.getMessage().contains(">= 1") && e.getMessage().contains("was " + bad), e.getMessage());
    }

    @Test
    void ingestLimitsAcceptOne() {
        assertEquals(new IngestConfig(1, 1), new IngestConfig(1, 1));
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 10_001})
    void topNOutsideRangeNamesTheRange(int bad) {
        var e = rejects("config.recall.lexicalTopN", () -> new RecallConfig(bad, 10, 60, 1, 1));
        assertTrue(e.getMessage().contains("0..10000") && e.getMessage().contains("was " + bad), e.getMessage());
        e = rejects("config.recall.denseTopN", () -> new RecallConfig(10, bad, 60, 1, 1));
        assertTrue(e.getMessage().contains("0..10000") && e.getMessage().contains("was " + bad), e.getMessage());
    }

    @Test
    void topNBoundariesAreAccepted() {
        new RecallConfig(0, 1, 60, 1, 1);
        new RecallConfig(1, 0, 60, 1, 1);
        new RecallConfig(10_000, 10_000, 60, 1, 1);
    }

    @Test
    void bothSignalsOffIsRejected() {
        var e = rejects("config.recall", () -> new RecallConfig(0, 0, 60, 1, 1));
        assertTrue(e.getMessage().contains("lexicalTopN") && e.getMessage().contains("denseTopN"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0})
    void rrfKMustBePositive(int bad) {
        var e = rejects("config.recall.rrfK", () -> new RecallConfig(10, 10, bad, 1, 1));
        assertTrue(e.getMessage().contains(">= 1") && e.getMessage().contains("was " + bad), e.getMessage());
        assertEquals(1, new RecallConfig(10, 10, 1, 1, 1).rrfK());
    }

    @ParameterizedTest
    @ValueSource(doubles = {-1e-9, -1, Double.NEGATIVE_INFINITY, Double.NaN})
    void weightsMustBeNonNegativeNumbers(double bad) {
        var e = rejects("config.recall.lexicalWeight", () -> new RecallConfig(10, 10, 60, bad, 1));
        assertTrue(e.getMessage().contains(">= 0"), e.getMessage());
        rejects("config.recall.denseWeight", () -> new RecallConfig(10, 10, 60, 1, bad));
    }

    @Test
    void zeroWeightIsAllowed() {
        assertEquals(0.0, new RecallConfig(10, 10, 60, 0, 1).lexicalWeight());
    }

    @Test
    void lexicalOnlyAndDenseOnlyTurnTheOtherSignalOff() {
        var base = new RecallConfig(40, 70, 30, 2.0, 0.5);
        assertEquals(new RecallConfig(40, 0, 30, 2.0, 0.5), base.lexicalOnly());
        assertEquals(new RecallConfig(0, 70, 30, 2.0, 0.5), base.denseOnly());
        // switching to a signal that was off still fetches at least one candidate from it
        assertEquals(RecallConfig.defaults().lexicalTopN(), base.denseOnly().lexicalOnly().lexicalTopN(),
                "a signal that was off comes back with the default candidate count");
        assertEquals(0, base.denseOnly().lexicalOnly().denseTopN());
    }
}
