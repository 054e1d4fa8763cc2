package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store options of {@code loci bench} without a cluster: an unreachable one is reported before
 * anything is measured (not after the embedded store's run), in the user's terms; options that do
 * not fit together are refused by name.
 */
class CliBenchStoreTest {
    @TempDir
    Path dir;

    @Test
    void recallBesideTheEmbeddedStoreFailsFirstWhenNoNodeAnswers() throws IOException {
        int port = freePort();
        CliRun run = CliRun.of("bench", "recall", "--sizes", "100", "--queries", "10", "--work-dir", dir.toString(),
                "--store", "elasticsearch", "--es-hosts", "127.0.0.1:" + port, "--beside-embedded");
        assertUnreachable(run, port);
        assertFalse(run.out().contains("memories"), "nothing was measured: " + run.out());
    }

    @Test
    void ingestBesideTheEmbeddedStoreFailsFirstWhenNoNodeAnswers() throws IOException {
        int port = freePort();
        CliRun run = CliRun.of("bench", "ingest", "--turns", "50", "--work-dir", dir.toString(),
                "--store", "elasticsearch", "--es-hosts", "127.0.0.1:" + port, "--beside-embedded");
        assertUnreachable(run, port);
        assertFalse(run.out().contains("ingest benchmark"), "nothing was measured: " + run.out());
    }

    @Test
    void besideTheEmbeddedStoreNeedsTheCluster() {
        CliRun run = CliRun.of("bench", "recall", "--beside-embedded", "--work-dir", dir.toString());
        assertEquals(2, run.exit(), run.transcript());
        assertTrue(run.err().contains("--beside-embedded: compares the embedded store with a cluster: add --store "
                + "elasticsearch"), run.err());
        CliRun other = CliRun.of("bench", "durability", "--beside-embedded", "--store", "elasticsearch");
        assertEquals(2, other.exit(), other.transcript());
        assertTrue(other.err().contains("--store: bench durability measures the embedded store only; --store "
                + "elasticsearch applies to bench ingest and bench recall"), other.err());
    }

    @Test
    void theClusterRunsWriteOnlyToThrowawayIndices() {
        CliRun run = CliRun.of("bench", "recall", "--store", "elasticsearch", "--es-index", "loci-memories");
        assertEquals(2, run.exit(), run.transcript());
        assertTrue(run.err().contains("--es-index: bench recall writes to throwaway indices of its own and deletes "
                + "them; leave --es-index out"), run.err());
    }

    @Test
    void embeddedStoreSettingsAloneWithTheClusterAreRefused() {
        CliRun run = CliRun.of("bench", "recall", "--store", "elasticsearch", "--vectors", "bbq");
        assertEquals(2, run.exit(), run.transcript());
        assertTrue(run.err().contains("--vectors: set how the embedded store keeps and ranks vectors"), run.err());
        CliRun rescore = CliRun.of("bench", "recall", "--store", "elasticsearch", "--rescore", "both");
        assertEquals(2, rescore.exit(), rescore.transcript());
        assertTrue(rescore.err().contains("--rescore: "), rescore.err());
    }

    private static void assertUnreachable(CliRun run, int port) {
        assertEquals(3, run.exit(), run.transcript());
        assertTrue(run.err().contains("no Elasticsearch node answers at 127.0.0.1:" + port + " (connection refused)"),
                run.err());
        assertTrue(run.err().contains("scripts/elasticsearch-cluster start"), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort(); // closed again: nothing listens there
        }
    }
}
