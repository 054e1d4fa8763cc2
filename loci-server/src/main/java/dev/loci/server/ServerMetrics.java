package dev.loci.server;

import dev.loci.Kind;
import dev.loci.engine.LociEngine;
import dev.loci.spi.StoreStats;
import dev.loci.store.lucene.LuceneMemoryStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The server's Micrometer meters, scraped in Prometheus text format at {@code /metrics}:
 * {@code loci_http_server_requests_seconds} (per method, route and status),
 * {@code loci_remember_seconds}, {@code loci_recall_seconds}, {@code loci_context_seconds}
 * (histograms), {@code loci_memories}, {@code loci_store_disk_bytes} and {@code loci_http_server_pending}
 * (gauges), and from the
 * engine's figures: {@code loci_consolidation_queued}, {@code loci_embedder_queued} (gauges),
 * {@code loci_embedder_batches_total}, {@code loci_embedder_calls_total},
 * {@code loci_embedder_texts_total} (counters) and {@code loci_wal_fsync_seconds} (count and sum);
 * over a shared store (several servers), {@code loci_write_conflicts_total} and
 * {@code loci_write_retries_total} by {@code kind} (turn, episode, session, topic, profile): records
 * whose conditional rewrite another server made fail, and the attempts redone after them.
 * Thread-safe.
 */
final class ServerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer remember;
    private final Timer recall;
    private final Timer context;
    private final CachedStats stats;
    /** Request timers by method, route and status. */
    private final Map<String, Map<String, Map<Integer, Timer>>> requests = new ConcurrentHashMap<>();

    /**
     * @param stats the engine's current figures (null while there is no running engine), read at
     *     most once a second however many meters ask
     */
    ServerMetrics(Supplier<StoreStats> stats, Supplier<Number> pending) {
        this.stats = new CachedStats(stats);
        remember = engineTimer("loci.remember", "time to store a batch of messages durably");
        recall = engineTimer("loci.recall", "time to answer a recall (search)");
        context = engineTimer("loci.context", "time to build a context block");
        Gauge.builder("loci.memories", this.stats, s -> s.get() == null ? Double.NaN : s.get().memories())
                .description("live memories in the store, all tenants").register(registry);
        Gauge.builder("loci.store.disk", this.stats, s -> s.get() == null ? Double.NaN : s.get().diskBytes())
                .baseUnit("bytes").description("bytes the store occupies on disk (0 for an in-memory store)")
                .register(registry);
        detailGauge("loci.consolidation.queued", LociEngine.CONSOLIDATION_QUEUED,
                "remember calls waiting for the background session/topic builder");
        detailGauge("loci.embedder.queued", LociEngine.EMBEDDER_PREFIX + "queued",
                "embedding calls waiting to be gathered into a batch");
        detailCounter("loci.embedder.batches", LociEngine.EMBEDDER_PREFIX + "batches",
                "batches sent to the embedding model (texts / batches = mean batch size)");
        detailCounter("loci.embedder.calls", LociEngine.EMBEDDER_PREFIX + "calls",
                "embedding calls gathered into those batches");
        detailCounter("loci.embedder.texts", LociEngine.EMBEDDER_PREFIX + "texts", "texts embedded in those batches");
        FunctionTimer.builder("loci.wal.fsync", this.stats,
                        s -> (long) detail(s, LuceneMemoryStore.WAL_FSYNCS), s -> detail(s, LuceneMemoryStore.WAL_FSYNC_NANOS),
                        TimeUnit.NANOSECONDS)
                .description("fsyncs of the write-ahead log and the time they took (sum / count = mean latency)")
                .register(registry);
        for (Kind kind : List.of(Kind.TURN, Kind.EPISODE, Kind.SESSION, Kind.TOPIC, Kind.FACT, Kind.PROFILE)) {
            String name = kind.name().toLowerCase(Locale.ROOT);
            FunctionCounter.builder("loci.write.conflicts", this.stats,
                            s -> detail(s, LociEngine.WRITES_PREFIX + "conflicts." + name))
                    .tag("kind", name).description("records whose conditional rewrite another server made fail")
                    .register(registry);
            FunctionCounter.builder("loci.write.retries", this.stats,
                            s -> detail(s, LociEngine.WRITES_PREFIX + "retries." + name))
                    .tag("kind", name).description("rewrites redone after another server made them fail")
                    .register(registry);
        }
        Gauge.builder("loci.http.server.pending", pending)
                .description("/v1 requests running or waiting for the engine").register(registry);
    }

    private void detailGauge(String name, String detail, String description) {
        Gauge.builder(name, stats, s -> detail(s, detail)).description(description).register(registry);
    }

    private void detailCounter(String name, String detail, String description) {
        FunctionCounter.builder(name, stats, s -> detail(s, detail)).description(description).register(registry);
    }

    /** A detail of the current figures as a number; NaN when absent (no engine, or a store without it). */
    private static double detail(CachedStats stats, String name) {
        StoreStats s = stats.get();
        String value = s == null ? null : s.details().get(name);
        if (value == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The engine's figures, read again when a second has passed since the last read. */
    private static final class CachedStats {
        private static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);
        private final Supplier<StoreStats> source;
        private StoreStats last;
        private long readAt;

        CachedStats(Supplier<StoreStats> source) {
            this.source = source;
        }

        synchronized StoreStats get() {
            long now = System.nanoTime();
            if (last == null || now - readAt > MAX_AGE_NANOS) {
                last = source.get();
                readAt = now;
            }
            return last;
        }
    }

    private Timer engineTimer(String name, String description) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    void request(String method, String route, int status, long nanos) {
        // One timer per method, route and status, found again without building its id each request.
        requests.computeIfAbsent(method, m -> new ConcurrentHashMap<>())
                .computeIfAbsent(route, r -> new ConcurrentHashMap<>())
                .computeIfAbsent(status, code -> Timer.builder("loci.http.server.requests")
                        .description("HTTP requests by route and status")
                        .tags("method", method, "route", route, "status", Integer.toString(code))
                        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofSeconds(30))
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    Timer remember() {
        return remember;
    }

    Timer recall() {
        return recall;
    }

    Timer context() {
        return context;
    }

    String scrape() {
        return registry.scrape();
    }

    void close() {
        registry.close();
    }
}
