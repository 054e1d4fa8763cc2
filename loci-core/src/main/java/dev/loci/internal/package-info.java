/**
 * The pipelines behind the {@link dev.loci.Loci} facade, each readable top to bottom:
 * {@link dev.loci.internal.IngestPipeline} (validate, id, embed, write) and
 * {@link dev.loci.internal.RecallPipeline} (embed query, search, fuse, explain).
 * Not API: may change without notice.
 */
package dev.loci.internal;
