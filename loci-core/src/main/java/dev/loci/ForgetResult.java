package dev.loci;

/**
 * Outcome of {@link Loci#forget(Scope, MemoryFilter)} and {@link Loci#purge(Scope)}: durable once
 * returned. Besides the memories that matched, forgetting repairs what was derived from them, so no
 * record keeps their text.
 *
 * @param deleted         memories that matched and were deleted
 * @param episodesRebuilt episodes that lost some of their turns and were rebuilt from the rest
 *                        (summary, keyphrases, entities, index keys, vector)
 * @param episodesRemoved episodes deleted because none of their turns remained
 * @param turnsRewritten  remaining turns rewritten: their episode was deleted (parent link cleared),
 *                        or their index keys quoted a deleted neighbour (keys rebuilt)
 */
public record ForgetResult(long deleted, int episodesRebuilt, int episodesRemoved, int turnsRewritten) {
    /** Nothing matched. */
    public static final ForgetResult NONE = new ForgetResult(0, 0, 0, 0);

    /** Memories gone from the store: those that matched plus the episodes removed with them. */
    public long totalRemoved() {
        return deleted + episodesRemoved;
    }
}
