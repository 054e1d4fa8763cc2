package dev.loci.spring.boot;

import dev.loci.Loci;
import dev.loci.MemoryFilter;
import dev.loci.Scope;
import dev.loci.client.LociClient;
import dev.loci.spi.StoreStats;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Map;

/**
 * Gauges of the Loci bean: {@code loci.memories}, the memories stored (of the configured tenant, for a
 * server), and for an embedded engine {@code loci.store.size}, the bytes its store takes on disk.
 * Values are read at most once a second (a scrape asks the engine or the server once); a failing
 * read gives NaN.
 */
public class LociMetrics implements MeterBinder {
    private static final Duration FRESH = Duration.ofSeconds(1);
    private final Loci loci;
    private final String tenant;
    private StoreStats last;
    private long readAt;

    public LociMetrics(Loci loci, String tenant) {
        this.loci = loci;
        this.tenant = tenant;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("loci.memories", this, m -> m.read(false)).description("Memories in Loci")
                .tag("tenant", loci instanceof LociClient ? tenant : "all").register(registry);
        if (!(loci instanceof LociClient)) {
            Gauge.builder("loci.store.size", this, m -> m.read(true)).description("Bytes the Loci store takes on disk")
                    .baseUnit("bytes").register(registry);
        }
    }

    private synchronized double read(boolean bytes) {
        long now = System.nanoTime();
        if (last == null || now - readAt > FRESH.toNanos()) {
            try {
                last = loci instanceof LociClient
                        ? new StoreStats(loci.count(Scope.tenant(tenant), MemoryFilter.all()), -1, Map.of())
                        : loci.stats();
                readAt = now;
            } catch (RuntimeException e) {
                last = null;
                return Double.NaN;
            }
        }
        return bytes ? last.diskBytes() : last.memories();
    }
}
