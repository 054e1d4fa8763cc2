/**
 * Deterministic fakes for unit tests ({@link dev.loci.testkit.HashingEmbedder},
 * {@link dev.loci.testkit.InMemoryStore}, {@link dev.loci.testkit.ManualClock}) and
 * {@link dev.loci.testkit.MemoryStoreContract}, the suite every store adapter extends.
 */
package dev.loci.testkit;
