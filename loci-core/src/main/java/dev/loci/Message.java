package dev.loci;

import java.time.Instant;
import java.util.Map;

/**
 * One input message for {@link Loci#remember}.
 *
 * @param role      who produced it, e.g. {@code user}, {@code assistant}, {@code system}; may be null
 * @param speaker   display name of the speaker, e.g. {@code Caroline}; may be null
 * @param text      the message text; emptiness and length are checked on ingest
 * @param timestamp when it was said (event time); null means "now" by Loci's clock
 * @param clientId  the caller's id for this message; remembering the same client id again in the
 *                  same scope is a no-op (idempotent ingest); null for no idempotency
 * @param metadata  filterable string pairs; never null (empty when absent)
 */
public record Message(String role, String speaker, String text, Instant timestamp, String clientId,
                      Map<String, String> metadata) {
    public Message {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A message with no role, metadata or client id. */
    public static Message of(String speaker, String text, Instant timestamp) {
        return new Message(null, speaker, text, timestamp, null, Map.of());
    }

    public Message withClientId(String id) {
        return new Message(role, speaker, text, timestamp, id, metadata);
    }

    public Message withRole(String newRole) {
        return new Message(newRole, speaker, text, timestamp, clientId, metadata);
    }

    public Message withMetadata(Map<String, String> newMetadata) {
        return new Message(role, speaker, text, timestamp, clientId, newMetadata);
    }
}
