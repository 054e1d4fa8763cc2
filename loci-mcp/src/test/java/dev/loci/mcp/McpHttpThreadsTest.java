package dev.loci.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Loci;
import dev.loci.testkit.TestEngines;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/** Destroying the MCP servlet stops the threads its transport started, so a JVM that embeds it can exit. */
class McpHttpThreadsTest {
    private static final String SWEEPER = McpHttp.SWEEPER_THREADS;

    private static long sweepers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(SWEEPER))
                .count();
    }

    @Test
    void aSecondServletStillServesAfterTheFirstIsDestroyed() throws Exception {
        // Reactor's shared schedulers, which the transport also starts, must outlive one servlet
        try (Loci loci = TestEngines.inMemory()) {
            McpHttp.servlet(loci, key -> Optional.empty()).destroy();
            var second = McpHttp.servlet(loci, key -> Optional.empty());
            assertFalse(Schedulers.boundedElastic().isDisposed(), "the shared bounded-elastic scheduler was disposed");
            assertFalse(Schedulers.parallel().isDisposed(), "the shared parallel scheduler was disposed");
            Schedulers.boundedElastic().schedule(() -> { });
            second.destroy();
        }
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
