package dev.loci.server;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loci.embedded.EmbeddedLoci;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in Firefox: Debian's {@code firefox-esr} (installed by {@code scripts/install-browser}),
 * headless, driven over WebDriver BiDi by {@link BidiFirefox} (Firefox speaks it itself, so no
 * geckodriver is needed), through the same {@link ConsoleScenarios} ConsoleIT runs in Chromium,
 * against a real {@link LociServer} on a loopback port over the real embedded engine. Screenshots go
 * to {@code target/console-screenshots/firefox/}. Skipped, saying so, only when no Firefox is
 * installed; one that is installed and fails to start fails the class.
 */
class ConsoleFirefoxIT extends ConsoleScenarioTests {
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots", "firefox");

    @TempDir
    static Path dir;
    private static LociServer server;
    private static BidiFirefox firefox;
    private static ConsoleScenarios scenarios;

    @BeforeAll
    static void start() throws IOException {
        var binary = BidiFirefox.binary();
        assumeTrue(binary.isPresent(), "ConsoleFirefoxIT needs Firefox at one of " + BidiFirefox.BINARIES
                + ": run scripts/install-browser (as root on Debian: apt-get install firefox-esr)");
        ApiKeys keys = ApiKeys.open(dir);
        String writeKey = keys.create("acme", Role.WRITE).token();
        server = LociServer.start(EmbeddedLoci.open(dir.resolve("data")),
                ServerOptions.defaults().withPort(0).withApiKeys(keys));
        firefox = BidiFirefox.start(binary.get(), dir.resolve("profile"), 1280, 860);
        scenarios = new ConsoleScenarios(firefox, "http://127.0.0.1:" + server.port(), new Http(server.port(), writeKey),
                writeKey, SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        try {
            if (firefox != null) {
                firefox.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void itIsFirefoxThatRunsThePage() {
        String agent = firefox.script("return navigator.userAgent;").asText();
        assertTrue(agent.contains("Firefox/") && !agent.contains("Chrome/"), agent);
    }

    @Override
    protected ConsoleScenarios scenarios() {
        return scenarios;
    }
}
