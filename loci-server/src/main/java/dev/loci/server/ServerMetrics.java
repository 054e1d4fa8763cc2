package dev.loci.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The server's Micrometer meters, scraped in Prometheus text format at {@code /metrics}:
 * {@code loci_http_server_requests_seconds} (per method, route and status),
 * {@code loci_remember_seconds}, {@code loci_recall_seconds}, {@code loci_context_seconds}
 * (histograms), {@code loci_memories} (gauge) and {@code loci_http_server_pending} (gauge).
 * Thread-safe.
 */
final class ServerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer remember;
    private final Timer recall;
    private final Timer context;

    <T> ServerMetrics(T memoriesSource, ToDoubleFunction<T> memories, Supplier<Number> pending) {
        remember = engineTimer("loci.remember", "time to store a batch of messages durably");
        recall = engineTimer("loci.recall", "time to answer a recall (search)");
        context = engineTimer("loci.context", "time to build a context block");
        Gauge.builder("loci.memories", memoriesSource, memories)
                .description("live memories in the store, all tenants").register(registry);
        Gauge.builder("loci.http.server.pending", pending)
                .description("/v1 requests running or waiting for the engine").register(registry);
    }

    private Timer engineTimer(String name, String description) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    void request(String method, String route, int status, long nanos) {
        Timer.builder("loci.http.server.requests").description("HTTP requests by route and status")
                .tags("method", method, "route", route, "status", Integer.toString(status))
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
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
