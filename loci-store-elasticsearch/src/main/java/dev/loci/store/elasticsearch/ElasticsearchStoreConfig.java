package dev.loci.store.elasticsearch;

import dev.loci.InvalidInputException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the Elasticsearch store keeps its memories and how hard it waits for them. Start from
 * {@link #builder()}; every field has a default.
 *
 * @param hosts               HTTP endpoints of the cluster's nodes (default {@code http://127.0.0.1:9200});
 *                            the client spreads requests over them and skips dead ones
 * @param index               the one index of this Loci deployment (default {@code loci-memories});
 *                            lowercase letters, digits, {@code -} and {@code _}
 * @param shards              primary shards, fixed at index creation (default 3); tenants are routed,
 *                            so one tenant lives on one shard
 * @param replicas            copies of each primary (default 1); a write is durable on every in-sync copy
 * @param waitForActiveShards how many copies of a shard must be active before a write starts: a
 *                            number from 1 to replicas + 1, or 0 for {@code all} (default 1: the primary)
 * @param refreshInterval     the index's refresh interval (default 1 s); writes wait for the next
 *                            refresh ({@code refresh=wait_for}), so this bounds a write's latency
 * @param connectTimeout      TCP connect timeout per request (default 2 s)
 * @param requestTimeout      socket timeout per request (default 30 s)
 */
public record ElasticsearchStoreConfig(List<URI> hosts, String index, int shards, int replicas,
                                       int waitForActiveShards, Duration refreshInterval, Duration connectTimeout,
                                       Duration requestTimeout) {
    private static final Pattern INDEX_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,199}");

    public ElasticsearchStoreConfig {
        if (hosts == null || hosts.isEmpty()) {
            throw new InvalidInputException("hosts", "at least one http://host:port is required");
        }
        hosts = List.copyOf(hosts);
        for (URI h : hosts) {
            if (!("http".equals(h.getScheme()) || "https".equals(h.getScheme())) || h.getHost() == null || h.getPort() < 0) {
                throw new InvalidInputException("hosts", "each must look like http://host:port, was " + h);
            }
        }
        if (index == null || !INDEX_NAME.matcher(index).matches()) {
            throw new InvalidInputException("index", "must match " + INDEX_NAME.pattern() + ", was " + index);
        }
        if (shards < 1 || shards > 1024) {
            throw new InvalidInputException("shards", "must be in 1..1024, was " + shards);
        }
        if (replicas < 0 || replicas > 10) {
            throw new InvalidInputException("replicas", "must be in 0..10, was " + replicas);
        }
        if (waitForActiveShards < 0 || waitForActiveShards > replicas + 1) {
            throw new InvalidInputException("waitForActiveShards",
                    "must be in 0..replicas + 1 (" + (replicas + 1) + "), 0 meaning all; was " + waitForActiveShards);
        }
        positive("refreshInterval", refreshInterval);
        positive("connectTimeout", connectTimeout);
        positive("requestTimeout", requestTimeout);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero() || d.toMillis() < 1) {
            throw new InvalidInputException(name, "must be at least 1 ms, was " + d);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Parses {@code host:port[,host:port...]} (scheme http unless given), as a command line gives them. */
    public static List<URI> parseHosts(String commaSeparated) {
        Objects.requireNonNull(commaSeparated, "hosts");
        return List.of(commaSeparated.split(",")).stream().map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> URI.create(s.contains("://") ? s : "http://" + s)).toList();
    }

    /** Builder with the defaults above. Not thread-safe. */
    public static final class Builder {
        private List<URI> hosts = List.of(URI.create("http://127.0.0.1:9200"));
        private String index = "loci-memories";
        private int shards = 3;
        private int replicas = 1;
        private int waitForActiveShards = 1;
        private Duration refreshInterval = Duration.ofSeconds(1);
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration requestTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        public Builder hosts(List<URI> hosts) {
            this.hosts = hosts;
            return this;
        }

        public Builder hosts(String commaSeparated) {
            this.hosts = parseHosts(commaSeparated);
            return this;
        }

        public Builder index(String index) {
            this.index = index;
            return this;
        }

        public Builder shards(int shards) {
            this.shards = shards;
            return this;
        }

        public Builder replicas(int replicas) {
            this.replicas = replicas;
            return this;
        }

        /** 1..replicas + 1 copies, or 0 for all. */
        public Builder waitForActiveShards(int copies) {
            this.waitForActiveShards = copies;
            return this;
        }

        public Builder refreshInterval(Duration interval) {
            this.refreshInterval = interval;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public ElasticsearchStoreConfig build() {
            return new ElasticsearchStoreConfig(hosts, index, shards, replicas, waitForActiveShards, refreshInterval,
                    connectTimeout, requestTimeout);
        }
    }
}
