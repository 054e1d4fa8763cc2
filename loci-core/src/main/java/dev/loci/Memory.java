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
    /** Importance a {@link Builder} gives when none is set. */
    public static final double DEFAULT_IMPORTANCE = 0.5;

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

    /**
     * A builder for a new memory; {@link Builder#build()} validates it like the canonical
     * constructor. Not thread-safe.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding every field of this memory, to build a copy with some changed. */
    public Builder toBuilder() {
        return new Builder().id(id).scope(scope).kind(kind).text(text).role(role).speaker(speaker)
                .occurredAt(occurredAt).recordedAt(recordedAt).validFrom(validFrom).validTo(validTo)
                .clientId(clientId).sourceIds(sourceIds).parentId(parentId).childIds(childIds).version(version)
                .importance(importance).metadata(metadata).lifecycle(lifecycle);
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

    /**
     * Whether a recall of what held at {@code t} sees it (valid time, whenever it was recorded): it
     * had happened or been said by then, and was neither closed nor expired by then.
     */
    public boolean heldAt(Instant t) {
        return !t.isBefore(occurredAt) && (validTo == null || t.isBefore(validTo)) && !lifecycle.expiredAt(t);
    }

    public Memory withLifecycle(Lifecycle newLifecycle) {
        return new Memory(id, scope, kind, text, role, speaker, occurredAt, recordedAt, validFrom, validTo, clientId,
                sourceIds, parentId, childIds, version, importance, metadata, newLifecycle);
    }

    /** Whether the statement holds at {@code t}. */
    public boolean validAt(Instant t) {
        return !t.isBefore(validFrom) && (validTo == null || t.isBefore(validTo));
    }

    /**
     * Builds a {@link Memory} field by field. Required: {@code id}, {@code scope}, {@code kind},
     * {@code text}, {@code occurredAt}, {@code recordedAt}; the rest have the defaults stated on
     * their setters. Validation happens in {@link #build()} (the record's compact constructor),
     * not in the setters. Not thread-safe; reusable (each {@code build} makes a new record).
     */
    public static final class Builder {
        private String id;
        private Scope scope;
        private Kind kind;
        private String text;
        private String role;
        private String speaker;
        private Instant occurredAt;
        private Instant recordedAt;
        private Instant validFrom;
        private Instant validTo;
        private String clientId;
        private List<String> sourceIds = List.of();
        private String parentId;
        private List<String> childIds = List.of();
        private int version = 1;
        private double importance = DEFAULT_IMPORTANCE;
        private Map<String, String> metadata = Map.of();
        private Lifecycle lifecycle = Lifecycle.NONE;

        private Builder() {
        }

        /** Required: stable identifier, unique within the tenant. */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /** Required: owner of the memory. */
        public Builder scope(Scope scope) {
            this.scope = scope;
            return this;
        }

        /** Required: what it is. */
        public Builder kind(Kind kind) {
            this.kind = kind;
            return this;
        }

        /** Required: the content. */
        public Builder text(String text) {
            this.text = text;
            return this;
        }

        /** Role of the producer of a turn (user/assistant/...). Default: null. */
        public Builder role(String role) {
            this.role = role;
            return this;
        }

        /** Speaker name of a turn. Default: null. */
        public Builder speaker(String speaker) {
            this.speaker = speaker;
            return this;
        }

        /** Required: event time, when it happened or was said. */
        public Builder occurredAt(Instant occurredAt) {
            this.occurredAt = occurredAt;
            return this;
        }

        /** Required: ingest time, when Loci learned it. */
        public Builder recordedAt(Instant recordedAt) {
            this.recordedAt = recordedAt;
            return this;
        }

        /** Start of the interval in which the statement holds. Default: {@code occurredAt}. */
        public Builder validFrom(Instant validFrom) {
            this.validFrom = validFrom;
            return this;
        }

        /** End of that interval. Default: null (it still holds). */
        public Builder validTo(Instant validTo) {
            this.validTo = validTo;
            return this;
        }

        /** The caller's id of the source message. Default: null (none). */
        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        /** Ids of source messages or documents (provenance); copied. Default: empty. */
        public Builder sourceIds(List<String> sourceIds) {
            this.sourceIds = sourceIds;
            return this;
        }

        /** Id of the node one level up. Default: null (none yet). */
        public Builder parentId(String parentId) {
            this.parentId = parentId;
            return this;
        }

        /** Ids of the nodes one level down; copied. Default: empty. */
        public Builder childIds(List<String> childIds) {
            this.childIds = childIds;
            return this;
        }

        /** Version, at least 1. Default: 1. */
        public Builder version(int version) {
            this.version = version;
            return this;
        }

        /** Importance in [0, 1], an input to ranking and forgetting. Default: {@value #DEFAULT_IMPORTANCE}. */
        public Builder importance(double importance) {
            this.importance = importance;
            return this;
        }

        /** Filterable string pairs; copied. Default: empty. */
        public Builder metadata(Map<String, String> metadata) {
            this.metadata = metadata;
            return this;
        }

        /** Use, expiry, pinning and supersession links. Default: {@link Lifecycle#NONE}. */
        public Builder lifecycle(Lifecycle lifecycle) {
            this.lifecycle = lifecycle;
            return this;
        }

        /**
         * The memory.
         *
         * @throws NullPointerException  when a required field is missing
         * @throws InvalidInputException when the version or the importance is out of range
         */
        public Memory build() {
            return new Memory(id, scope, kind, text, role, speaker, occurredAt, recordedAt,
                    validFrom != null ? validFrom : occurredAt, validTo, clientId, sourceIds, parentId, childIds,
                    version, importance, metadata, lifecycle);
        }
    }
}
