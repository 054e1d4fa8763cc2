/**
 * The offline, English statement extractor ({@link dev.loci.internal.facts.extract.PatternExtractor})
 * with its predicate patterns, attribute vocabulary and value normalisation. Depends on nothing else
 * under {@code dev.loci.internal}.
 */
package dev.loci.internal.facts.extract;
