/**
 * Facts read from user turns, reinforced or superseded against the user's current facts, and the
 * profile written from them, plus the repairs after a forget or an update
 * ({@link dev.loci.internal.facts.FactPipeline} is the entry point). Depends on {@code facts.extract}
 * and {@code util}.
 */
package dev.loci.internal.facts;
