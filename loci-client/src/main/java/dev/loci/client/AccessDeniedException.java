package dev.loci.client;

import dev.loci.LociException;

/**
 * The API key is valid but its role does not allow the operation (HTTP 403), e.g. a {@code read}
 * key calling {@code remember}, or a non-admin key calling {@code stats}. Not retriable.
 */
public final class AccessDeniedException extends LociException {
    public AccessDeniedException(String message) {
        super(message);
    }
}
