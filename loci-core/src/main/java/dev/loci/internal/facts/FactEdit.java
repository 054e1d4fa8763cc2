package dev.loci.internal.facts;

import dev.loci.Memory;

/**
 * One change a call makes to a stored fact (a reinforcement, a closing, a link, a source dropped
 * by a forget, a reopening), kept as a function of the fact so that, over a shared store, it can be
 * made again on the fact as another process left it ({@link FactRewrites}).
 */
@FunctionalInterface
interface FactEdit {
    /**
     * The fact with this change made.
     *
     * @param fact  the fact as stored now (with the earlier changes of this call made); null when it
     *              is gone (deleted by a forget meanwhile)
     * @param added where a change that no longer applies to the fact puts what it stands for instead
     *              (a repeated claim whose fact was closed or deleted meanwhile becomes a new fact)
     * @return the changed fact; {@code fact} itself (the same reference) when the change no longer
     *         applies (nothing to write for it); null only when {@code fact} is null
     */
    Memory apply(Memory fact, FactBatch added);
}
