package dev.loci.server;

import dev.loci.InvalidInputException;
import java.util.Locale;

/**
 * What an API key may do. Each role includes the ones before it: {@code write} can read,
 * {@code admin} can write.
 */
public enum Role {
    /** Recall, context, get, history, count. */
    READ,
    /** Also remember, update, forget and purge. */
    WRITE,
    /** Also store-wide figures ({@code /v1/stats}). */
    ADMIN;

    /** Whether a key with this role may call a route that needs {@code required}. */
    public boolean allows(Role required) {
        return ordinal() >= required.ordinal();
    }

    /** The lower-case name used in files, flags and JSON. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code read}, {@code write} or {@code admin} (any case). */
    public static Role parse(String field, String value) {
        if (value != null) {
            for (Role r : values()) {
                if (r.name().equalsIgnoreCase(value.trim())) {
                    return r;
                }
            }
        }
        throw new InvalidInputException(field, "must be read, write or admin, was " + value);
    }
}
