package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Forgetting settings and the retention weight: documented defaults, bad values named. */
class ForgettingConfigTest {
    private static void rejects(String field, Executable build) {
        var e = assertThrows(InvalidInputException.class, build);
        assertEquals(field, e.field());
        assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
    }

    @Test
    void defaultsAreTheDocumentedValues() {
        var d = ForgettingConfig.defaults();
        assertEquals(Duration.ofDays(30), d.baseStrength());
        assertTrue(d.reinforceOnRecall());
        assertEquals(null, d.timeToLive());
        assertEquals(0, d.maxMemoriesPerUser());
        assertEquals(Duration.ofMinutes(10), d.sweepInterval());
        assertEquals(d, LociConfig.defaults().forgetting());
        assertEquals(0.0, RecallConfig.defaults().retentionWeight());
        assertEquals(0.5, RecallConfig.defaults().withRetention(0.5).retentionWeight());
        assertEquals(0.0, RecallConfig.defaults().withRetention(0.5).flat().retentionWeight());
        assertEquals(0.5, RecallConfig.defaults().withRetention(0.5).withDiversity(0.3).withCandidates(200)
                .lexicalOnly().retentionWeight(), "other withers keep it");
    }

    @Test
    void badValuesNameTheField() {
        var d = ForgettingConfig.defaults();
        rejects("config.forgetting.baseStrength", () -> d.withBaseStrength(Duration.ofSeconds(-1)));
        rejects("config.forgetting.baseStrength", () -> d.withBaseStrength(null));
        rejects("config.forgetting.timeToLive", () -> d.withTimeToLive(Duration.ZERO));
        rejects("config.forgetting.maxMemoriesPerUser", () -> d.withMaxMemoriesPerUser(-1));
        rejects("config.forgetting.sweepInterval", () -> d.withSweepInterval(Duration.ZERO));
        rejects("config.forgetting", () -> LociConfig.defaults().withForgetting(null));
        rejects("config.recall.retentionWeight", () -> RecallConfig.defaults().withRetention(-0.1));
        rejects("config.recall.retentionWeight", () -> RecallConfig.defaults().withRetention(Double.NaN));
        rejects("config.recall.retentionWeight", () -> RecallConfig.defaults().withRetention(11));
        assertEquals(null, d.withSweepInterval(null).sweepInterval(), "null turns the background sweep off");
    }
}
