package dev.loci;

/**
 * What a memory is. The level in the hierarchy follows from the kind.
 *
 * <p>The persisted form stores a kind by its position in this list ({@code MemoryCodec}), so new
 * kinds are appended at the end and none is ever reordered or removed.
 */
public enum Kind {
    /** A raw conversation message. Level 0. */
    TURN(0),
    /** A document part. Level 0. */
    CHUNK(0),
    /** A coherent run of turns. Level 1. */
    EPISODE(1),
    /** A self-contained statement. Level 1. */
    FACT(1),
    /** How-to or instruction. Level 1. */
    PROCEDURE(1),
    /** A whole session: a summary over its episodes. Level 2. */
    SESSION(2),
    /** Stable user attributes. Level 3. */
    PROFILE(3),
    /** Related episodes gathered across one user's sessions. Level 2. */
    TOPIC(2);

    private final int level;

    Kind(int level) {
        this.level = level;
    }

    /** Level in the hierarchy: 0 raw, 1 episodes and facts, 2 sessions and topics, 3 profile. */
    public int level() {
        return level;
    }
}
