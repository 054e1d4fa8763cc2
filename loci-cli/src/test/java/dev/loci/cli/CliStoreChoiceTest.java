package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store options on the command line: wrong ones and an unreachable cluster in the user's terms. */
class CliStoreChoiceTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownStoreIsNamed() {
        CliRun run = CliRun.of("recall", "--data-dir", dir.toString(), "--store", "mongo", "--tenant", "acme", "keys");
        assertEquals(2, run.exit(), run.transcript());
        assertTrue(run.err().contains("--store: 'mongo' is not a store; use lucene or elasticsearch"), run.err());
    }

    @Test
    void clusterOptionsWithoutTheClusterStoreAreRefused() {
        CliRun run = CliRun.of("recall", "--data-dir", dir.toString(), "--es-hosts", "127.0.0.1:9200",
                "--tenant", "acme", "keys");
        assertEquals(2, run.exit(), run.transcript());
        assertTrue(run.err().contains("--es-hosts needs --store elasticsearch"), run.err());
    }

    @Test
    void badHostsAndIndexNamesNameTheirOption() {
        CliRun hosts = CliRun.of("stats", "--store", "elasticsearch", "--es-hosts", "ftp://127.0.0.1:9200");
        assertEquals(2, hosts.exit(), hosts.transcript());
        assertTrue(hosts.err().contains("--es-hosts: each must look like http://host:port"), hosts.err());
        CliRun index = CliRun.of("stats", "--store", "elasticsearch", "--es-index", "My Memories");
        assertEquals(2, index.exit(), index.transcript());
        assertTrue(index.err().contains("--es-index: must match"), index.err());
    }

    @Test
    void anUnreachableClusterSaysWhereAndHowToStartOne() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        CliRun run = CliRun.of("recall", "--data-dir", dir.resolve("none").toString(), "--store", "elasticsearch",
                "--es-hosts", "127.0.0.1:" + port, "--tenant", "acme", "keys");
        assertEquals(3, run.exit(), run.transcript());
        assertTrue(run.err().contains("no Elasticsearch node answers at 127.0.0.1:" + port + " (connection refused)"),
                run.err());
        assertTrue(run.err().contains("scripts/elasticsearch-cluster start"), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        assertFalse(Files.exists(dir.resolve("none")), "no data directory is made for a cluster store");
    }
}
