package dev.loci.bench;

import dev.loci.StorageException;
import dev.loci.store.elasticsearch.ElasticsearchStoreConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The two index operations the recall benchmark needs on a cluster and the store does not offer
 * (they are no part of serving): merging a built index to one segment per shard, as the embedded
 * run merges its store, and counting the primaries' segments. Plain REST calls to the first node
 * that answers.
 */
final class ClusterIndex {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ClusterIndex() {
    }

    /** Merges every copy of every shard to one segment and waits until done. */
    static void forceMerge(ElasticsearchStoreConfig index) {
        call(index, "POST", "/_forcemerge?max_num_segments=1", Duration.ofMinutes(60));
        call(index, "POST", "/_refresh", Duration.ofMinutes(5));
    }

    /**
     * The live segments of every shard copy, from the segments API, which reads them from each
     * copy's index (the store-size figure of the index stats is cached by each node for 10 s, so
     * right after a build or merge it can still show an empty shard).
     *
     * @param primarySegments segments of the primary copies, summed over the shards
     * @param primaryBytes    bytes of those segments
     * @param allCopiesBytes  bytes of the segments of every copy, replicas included
     */
    record Segments(long primarySegments, long primaryBytes, long allCopiesBytes) {
    }

    @SuppressWarnings("unchecked")
    static Segments segments(ElasticsearchStoreConfig index) {
        Map<String, Object> json = call(index, "GET", "/_segments", Duration.ofMinutes(1));
        var shards = (Map<String, Object>) path(json, "indices", index.index(), "shards");
        long count = 0;
        long primary = 0;
        long all = 0;
        for (Object copies : shards.values()) {
            for (Object c : (List<Object>) copies) {
                var copy = (Map<String, Object>) c;
                boolean isPrimary = Boolean.TRUE.equals(path(copy, "routing", "primary"));
                var segments = (Map<String, Object>) copy.getOrDefault("segments", Map.of());
                for (Object seg : segments.values()) {
                    long bytes = ((Number) ((Map<String, Object>) seg).get("size_in_bytes")).longValue();
                    all += bytes;
                    if (isPrimary) {
                        primary += bytes;
                        count++;
                    }
                }
            }
        }
        return new Segments(count, primary, all);
    }

    @SuppressWarnings("unchecked")
    private static Object path(Map<String, Object> json, String... keys) {
        Object v = json;
        for (String k : keys) {
            if (!(v instanceof Map<?, ?> m) || !m.containsKey(k)) {
                throw new StorageException("Elasticsearch index stats lack " + String.join(".", keys), false);
            }
            v = ((Map<String, Object>) m).get(k);
        }
        return v;
    }

    private static Map<String, Object> call(ElasticsearchStoreConfig index, String method, String path,
                                            Duration timeout) {
        IOException last = null;
        for (URI host : index.hosts()) {
            URI uri = URI.create(host.toString().replaceAll("/+$", "") + "/" + index.index() + path);
            try {
                var response = HTTP.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
                        .timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 != 2) {
                    throw new StorageException("Elasticsearch " + method + " " + path + " on " + index.index()
                            + " failed (HTTP " + response.statusCode() + "): " + response.body(), false);
                }
                return Json.readObject(response.body());
            } catch (IOException e) {
                last = e; // the next node may answer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException("interrupted during " + method + " " + path, false, e);
            }
        }
        throw new StorageException("no Elasticsearch node answers at " + index.hosts() + " (" + last + ")", true, last);
    }
}
