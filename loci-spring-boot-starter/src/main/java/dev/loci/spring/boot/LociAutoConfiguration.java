package dev.loci.spring.boot;

import dev.loci.Loci;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@link Loci} bean: an embedded engine ({@code loci.data-dir}) or a client of a Loci server
 * ({@code loci.url}), closed when the context closes; an application's own {@code Loci} bean replaces
 * it. With Actuator, a health indicator ({@code loci}); with Micrometer, gauges of the store's size.
 */
@AutoConfiguration
@EnableConfigurationProperties(LociProperties.class)
public class LociAutoConfiguration {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(Loci.class)
    public Loci loci(LociProperties properties) {
        return LociFactory.open(properties);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "lociHealthIndicator")
        LociHealthIndicator lociHealthIndicator(Loci loci, LociProperties properties) {
            return new LociHealthIndicator(loci, properties.getTenant());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean
        LociMetrics lociMetrics(Loci loci, LociProperties properties) {
            return new LociMetrics(loci, properties.getTenant());
        }
    }
}
