package dev.loci.mcp;

import dev.loci.Scope;

/**
 * Who a connection works for: the tenant, fixed by the server (stdio) or by the API key (HTTP),
 * and the user a call applies to when it names none.
 *
 * @param tenant      required; calls never reach another tenant
 * @param defaultUser the user for calls without {@code user_id}; null for none (calls then act on
 *                    the whole tenant, except those that need a user)
 */
public record ConnectionScope(String tenant, String defaultUser) {
    public ConnectionScope {
        // Validates both the way Scope does, so a bad --tenant fails at start, not at the first call.
        Scope.user(tenant, defaultUser);
    }
}
