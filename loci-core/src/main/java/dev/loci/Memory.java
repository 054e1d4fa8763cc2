package dev.loci;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one unit Loci stores. Immutable; lists and maps are copied on construction.
 *
 * @param id          stable identifier, unique within the tenant
 * @param scope       owner of the memory
 * @param kind        what it is; its {@link Kind#level() level} places it in the hierarchy
 * @param text        the content
 * @param role        role of the producer for turns (user/assistant/...), may be null
 * @param speaker     speaker name for turns, may be null
 * @param occurredAt  event time: when it happened or was said
 * @param recordedAt  ingest time: when Loci learned it
 * @param validFrom   start of the interval in which the statement holds
 * @param validTo     end of that interval, null while it still holds
 * @param clientId    the caller's id of the source message, null if none
 * @param sourceIds   ids of source messages or documents (provenance)
 * @param parentId    id of the node one level up, null if none yet
 * @param childIds    ids of the nodes one level down (empty for level 0)
 * @param version     1 for the first version, incremented by updates
 * @param importance  0..1, an input to ranking and forgetting
 * @param metadata    filterable string pairs
 * @param lifecycle   use, expiry, pinning and supersession links; {@link Lifecycle#NONE} if null
 */
public record Memory(String id, Scope scope, Kind kind, String text, String role, String speaker,
                     Instant occurredAt, Instant recordedAt, Instant validFrom, Instant validTo,
                     String clientId, List<String> sourceIds, String parentId, List<String> childIds,
                     int version, double importance, Map<String, String> metadata, Lifecycle lifecycle) {
    /** A memory with no lifecycle yet ({@link Lifecycle#NONE}). */
    public Memory(String id, Scope scope, Kind kind, String text, String role, String speaker,
                  Instant occurredAt, Instant recordedAt, Instant validFrom, Instant validTo,
                  String clientId, List<String> sourceIds, String parentId, List<String> childIds,
                  int version, double importance, Map<String, String> metadata) {
        this(id, scope, kind, text, role, speaker, occurredAt, recordedAt, validFrom, validTo, clientId, sourceIds,
                parentId, childIds, version, importance, metadata, Lifecycle.NONE);
    }

    public Memory {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(recordedAt, "recordedAt");
        Objects.requireNonNull(validFrom, "validFrom");
        sourceIds = sourceIds == null ? List.of() : List.copyOf(sourceIds);
        childIds = childIds == null ? List.of() : List.copyOf(childIds);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        lifecycle = lifecycle == null ? Lifecycle.NONE : lifecycle;
        if (version < 1) {
            throw new InvalidInputException("memory.version", "must be >= 1, was " + version);
        }
        if (!(importance >= 0 && importance <= 1)) {
            throw new InvalidInputException("memory.importance", "must be in [0, 1], was " + importance);
        }
    }

    /** Level in the hierarchy, from the kind. */
    public int level() {
        return kind.level();
    }

    /**
     * Whether a recall as of {@code t} sees it: Loci had recorded it by then, it had not been
     * superseded or replaced by a newer version by then ({@code validTo}), and it had not expired.
     * Unlike {@link #validAt}, a statement about the future (validFrom after t) is visible.
     */
    public boolean visibleAt(Instant t) {
        return !t.isBefore(recordedAt) && (validTo == null || t.isBefore(validTo)) && !lifecycle.expiredAt(t);
    }

    public Memory withLifecycle(Lifecycle newLifecycle) {
        return new Memory(id, scope, kind, text, role, speaker, occurredAt, recordedAt, validFrom, validTo, clientId,
                sourceIds, parentId, childIds, version, importance, metadata, newLifecycle);
    }

    /** Whether the statement holds at {@code t}. */
    public boolean validAt(Instant t) {
        return !t.isBefore(validFrom) && (validTo == null || t.isBefore(validTo));
    }
}
