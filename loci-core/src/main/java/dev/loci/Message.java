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
 * @param expiresAt when the memory stops being visible (hidden from recall, context and get at
 *                  once, deleted by the next sweep); null for the configured time to live
 *                  ({@link ForgettingConfig#timeToLive()}), which is no expiry by
 *                  default. Must lie after the timestamp and after the moment it is remembered.
 * @param pinned    never evicted to make room under a capacity limit (forget and purge still delete it)
 */
public record Message(String role, String speaker, String text, Instant timestamp, String clientId,
                      Map<String, String> metadata, Instant expiresAt, boolean pinned) {
    /** A message that does not expire beyond the configured time to live and is not pinned. */
    public Message(String role, String speaker, String text, Instant timestamp, String clientId,
                   Map<String, String> metadata) {
        this(role, speaker, text, timestamp, clientId, metadata, null, false);
    }

    public Message {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A message with no role, metadata or client id. */
    public static Message of(String speaker, String text, Instant timestamp) {
        return new Message(null, speaker, text, timestamp, null, Map.of());
    }

    public Message withClientId(String id) {
        return new Message(role, speaker, text, timestamp, id, metadata, expiresAt, pinned);
    }

    public Message withRole(String newRole) {
        return new Message(newRole, speaker, text, timestamp, clientId, metadata, expiresAt, pinned);
    }

    public Message withMetadata(Map<String, String> newMetadata) {
        return new Message(role, speaker, text, timestamp, clientId, newMetadata, expiresAt, pinned);
    }

    /** The same message, hidden from {@code at} on and deleted after (null: the configured time to live). */
    public Message withExpiresAt(Instant at) {
        return new Message(role, speaker, text, timestamp, clientId, metadata, at, pinned);
    }

    /** The same message, pinned (never evicted for capacity) or not. */
    public Message withPinned(boolean on) {
        return new Message(role, speaker, text, timestamp, clientId, metadata, expiresAt, on);
    }
}
