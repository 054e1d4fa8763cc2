package dev.loci;

import java.util.List;

/**
 * Ranked results of one recall, best first.
 *
 * @param results  at most k results
 * @param tookNanos wall time of the recall, query embedding included
 */
public record RecallResult(List<Recalled> results, long tookNanos) {
    public RecallResult {
        results = List.copyOf(results);
    }
}
