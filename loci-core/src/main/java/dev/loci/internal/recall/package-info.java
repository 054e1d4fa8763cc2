/**
 * The recall flow, top to bottom ({@link dev.loci.internal.recall.RecallPipeline}): embed the query,
 * search, fuse by reciprocal rank, apply the hierarchy and time steps, explain. Depends on
 * {@code util} only.
 */
package dev.loci.internal.recall;
