package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.store.elasticsearch.ElasticsearchMemoryStore;
import dev.loci.store.elasticsearch.ElasticsearchStoreConfig;
import dev.loci.testkit.ElasticsearchCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * ingest, recall and stats with {@code --store elasticsearch} on the real 3-node cluster: the
 * memories are in the index, not in the data directory, and a second ingest adds nothing.
 */
@ExtendWith(ElasticsearchCluster.class)
class CliElasticsearchIT {
    @TempDir
    Path dir;

    @Test
    void ingestAndRecallThroughTheCluster() throws Exception {
        String index = "loci-it-cli-" + Long.toString(ProcessHandle.current().pid(), 36);
        String hosts = ElasticsearchCluster.hosts();
        var config = ElasticsearchStoreConfig.builder().hosts(hosts).index(index).build();
        Path file = Files.writeString(dir.resolve("notes.jsonl"), """
                {"text": "The spare key is under the blue flowerpot", "speaker": "Maya", "timestamp": "2024-03-02T18:10:00Z", "id": "k-1"}
                {"text": "The wifi password is on the fridge", "speaker": "Maya", "timestamp": "2024-03-02T18:11:00Z", "id": "k-2"}
                """);
        String[] store = {"--store", "elasticsearch", "--es-hosts", hosts, "--es-index", index,
                "--data-dir", dir.resolve("data").toString()};
        try {
            CliRun ingest = CliRun.of(concat(new String[] {"ingest", "--tenant", "acme", "--user", "maya", "--no-progress",
                    file.toString()}, store));
            assertEquals(0, ingest.exit(), ingest.transcript());
            assertTrue(ingest.out().contains("2 new") && ingest.out().contains("Elasticsearch index " + index),
                    ingest.out());
            CliRun again = CliRun.of(concat(new String[] {"ingest", "--tenant", "acme", "--user", "maya", "--no-progress",
                    file.toString()}, store));
            assertTrue(again.out().contains("0 new, 2 already present"), again.transcript());

            CliRun recall = CliRun.of(concat(new String[] {"recall", "--tenant", "acme", "--user", "maya",
                    "where is the spare key"}, store));
            assertEquals(0, recall.exit(), recall.transcript());
            String first = recall.out().lines().filter(l -> l.startsWith("1 ")).findFirst().orElse("");
            assertTrue(first.contains("spare key is under the blue flowerpot"), recall.out());

            CliRun stats = CliRun.of(concat(new String[] {"stats"}, store));
            assertEquals(0, stats.exit(), stats.transcript());
            assertTrue(stats.out().contains("index") && stats.out().contains(index), stats.out());
            assertFalse(Files.exists(dir.resolve("data")), "nothing was written to a data directory");
        } finally {
            ElasticsearchMemoryStore.deleteIndex(config);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
