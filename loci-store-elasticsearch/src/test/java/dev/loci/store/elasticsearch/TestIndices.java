package dev.loci.store.elasticsearch;

import dev.loci.testkit.ElasticsearchCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Unique index names per test and their removal, so tests share one cluster without seeing each other. */
final class TestIndices {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final String RUN = Long.toString(ProcessHandle.current().pid(), 36);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private TestIndices() {
    }

    static String fresh(String prefix) {
        return "loci-it-" + prefix + "-" + RUN + "-" + NEXT.incrementAndGet();
    }

    static ElasticsearchStoreConfig.Builder config(String index) {
        // every node, as a deployment lists them: the client moves on when one dies
        return ElasticsearchStoreConfig.builder().hosts(ElasticsearchCluster.hosts()).index(index).shards(3).replicas(1)
                // a short refresh keeps writes (which wait for it) quick in tests
                .refreshInterval(Duration.ofMillis(100));
    }

    static void delete(String index) {
        try {
            HTTP.send(HttpRequest.newBuilder(URI.create(ElasticsearchCluster.url() + "/" + index)).DELETE()
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete test index " + index, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
