package dev.loci.spring.boot;

import dev.loci.Loci;
import dev.loci.MemoryFilter;
import dev.loci.Scope;
import dev.loci.client.LociClient;
import dev.loci.spi.StoreStats;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Health of the Loci bean, as {@code loci} under {@code /actuator/health}. An embedded engine is up
 * when its store answers, with the store's size; a server is up when it answers a count of the
 * tenant's memories with the configured key (any role can count, only admins read store stats).
 * Down, with the error, otherwise.
 */
public class LociHealthIndicator extends AbstractHealthIndicator {
    private final Loci loci;
    private final String tenant;

    public LociHealthIndicator(Loci loci, String tenant) {
        super("Loci health check failed");
        this.loci = loci;
        this.tenant = tenant;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (loci instanceof LociClient) {
            long memories = loci.count(Scope.tenant(tenant), MemoryFilter.all());
            builder.up().withDetail("mode", "server").withDetail("tenant", tenant).withDetail("memories", memories);
            return;
        }
        StoreStats stats = loci.stats();
        builder.up().withDetail("mode", "embedded").withDetail("memories", stats.memories())
                .withDetail("diskBytes", stats.diskBytes());
    }
}
