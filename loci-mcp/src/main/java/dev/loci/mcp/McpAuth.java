package dev.loci.mcp;

import java.util.Optional;

/**
 * Decides which tenant a bearer key stands for, for the streamable HTTP transport. A request whose
 * key maps to no tenant is answered 401 before any MCP processing.
 *
 * <p>Implementations must be thread-safe: requests call it concurrently.
 */
@FunctionalInterface
public interface McpAuth {
    /**
     * The tenant the key belongs to, or empty when the key is unknown or revoked.
     *
     * @param bearerToken the token after {@code Authorization: Bearer}, never null or blank
     */
    Optional<String> tenantFor(String bearerToken);
}
