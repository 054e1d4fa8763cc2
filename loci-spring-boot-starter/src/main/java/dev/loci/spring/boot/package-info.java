/**
 * Spring Boot auto-configuration for Loci: a {@link dev.loci.Loci} bean from {@code loci.*}
 * properties (an embedded engine in a data directory, or a client of a Loci server), closed with
 * the application context; the Spring AI beans of {@code loci-spring-ai} when Spring AI is on the
 * class path; an Actuator health indicator and Micrometer gauges when those are.
 */
package dev.loci.spring.boot;
