package dev.loci.server;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The console scenarios every browser runs, as tests: a browser's test class starts its server and
 * browser and hands over its {@link ConsoleScenarios}, and adds what only that browser checks.
 */
abstract class ConsoleScenarioTests {
    /** The scenarios on this class's browser, set up before its tests run. */
    protected abstract ConsoleScenarios scenarios();

    @Test
    void aWrongKeyIsRefusedWithTheServersProblemDetail() throws IOException {
        scenarios().aWrongKeyIsRefusedWithTheServersProblemDetail();
    }

    @Test
    void logInSearchOpenAMemoryUpdateItAndSeeItsHistory() throws IOException {
        scenarios().logInSearchOpenAMemoryUpdateItAndSeeItsHistory();
    }

    @Test
    void forgettingAMemoryAsksFirstThenSearchNoLongerFindsIt() throws IOException {
        scenarios().forgettingAMemoryAsksFirstThenSearchNoLongerFindsIt();
    }

    @Test
    void theProfileShowsTheCurrentFactAndTheOneItSuperseded() throws IOException {
        scenarios().theProfileShowsTheCurrentFactAndTheOneItSuperseded();
    }
}
