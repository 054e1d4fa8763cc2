/**
 * Loci as an HTTP service: {@link dev.loci.server.LociServer} serves the REST API under
 * {@code /v1} (documented by {@code /v1/openapi.json}), with API keys bound to tenants
 * ({@link dev.loci.server.ApiKeys}), problem documents for every error, a bounded work queue,
 * health, readiness and Prometheus metrics. Classes not public here are its implementation.
 */
package dev.loci.server;
