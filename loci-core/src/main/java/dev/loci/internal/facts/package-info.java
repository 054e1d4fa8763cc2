/**
 * Facts read from user turns, reinforced or superseded against the user's current facts, and the
 * profile written from them, plus the repairs after a forget or an update.
 * {@link dev.loci.internal.facts.FactPipeline} is the entry point and says the order of the jobs;
 * each job is one class ({@code FactReader}, {@code FactConsolidator}, {@code ProfileBuilder} with
 * {@code ProfileText}, {@code FactRepairs}, and {@code KnownFacts}, the bounded cache of users'
 * current facts), sharing only {@code FactRecords}, {@code FactBatch} and {@code FactRewrites}
 * (rewrites of stored facts, conditional over a shared store, each change a {@code FactEdit});
 * {@code SharedProfiles} writes profiles over a shared store. Depends on
 * {@code facts.extract} and {@code util}.
 */
package dev.loci.internal.facts;
