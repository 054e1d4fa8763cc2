package dev.loci;

import java.util.List;

/**
 * Outcome of {@link Loci#remember}: durable once returned.
 *
 * @param ids     memory id of each input message, in input order
 * @param added   how many were new
 * @param skipped how many were already present (same client id in the same scope)
 */
public record RememberResult(List<String> ids, int added, int skipped) {
    public RememberResult {
        ids = List.copyOf(ids);
    }
}
