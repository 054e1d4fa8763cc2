package dev.loci.client;

import dev.loci.LociException;

/**
 * The server did not accept the client's API key (HTTP 401): none was configured, or it is
 * unknown, revoked or mistyped. Not retriable: the same key fails again.
 */
public final class AuthenticationException extends LociException {
    public AuthenticationException(String message) {
        super(message);
    }
}
