/**
 * The remember flow, top to bottom ({@link dev.loci.internal.ingest.IngestPipeline}): validate, id,
 * embed, organise into episodes, read facts, write, hand episodes to level 2. Depends on
 * {@code hierarchy}, {@code facts} and {@code util}.
 */
package dev.loci.internal.ingest;
