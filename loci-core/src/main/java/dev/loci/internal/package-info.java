/**
 * The pipelines behind the {@link dev.loci.Loci} facade, each readable top to bottom:
 * {@link dev.loci.internal.IngestPipeline} (validate, id, embed, write),
 * {@link dev.loci.internal.RecallPipeline} (embed query, search, fuse, explain) and
 * {@link dev.loci.internal.ForgetPipeline} (delete, then repair the episodes derived from what was deleted).
 * Not API: may change without notice.
 */
package dev.loci.internal;
