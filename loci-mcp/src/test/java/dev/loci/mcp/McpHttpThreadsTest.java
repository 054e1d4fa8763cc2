package dev.loci.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Loci;
import dev.loci.testkit.TestEngines;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Destroying the MCP servlet stops the threads its transport started, so a JVM that embeds it can exit. */
class McpHttpThreadsTest {
    private static final String SWEEPER = "streamable-http-server-transport-session-sweeper";

    private static long sweepers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(SWEEPER))
                .count();
    }

    @Test
    void destroyingTheServletStopsTheTransportsSessionSweeper() throws Exception {
        try (Loci loci = TestEngines.inMemory()) {
            long before = sweepers();
            var servlet = McpHttp.servlet(loci, key -> Optional.empty());
            assertTrue(sweepers() > before, "the transport starts its sweeper thread (else this test shows nothing)");
            servlet.destroy();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (sweepers() > before && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(before, sweepers(), "a sweeper thread outlived the servlet");
        }
    }
}
