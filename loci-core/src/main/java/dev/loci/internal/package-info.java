/**
 * The pipelines behind the {@link dev.loci.Loci} facade, each readable top to bottom:
 * {@link dev.loci.internal.IngestPipeline} (validate, id, embed, write),
 * {@link dev.loci.internal.RecallPipeline} (embed query, search, fuse, explain),
 * {@link dev.loci.internal.ForgetPipeline} (delete, then repair the episodes, sessions and topics
 * derived from what was deleted) and {@link dev.loci.internal.Consolidator} (sessions and topics,
 * built in the background from the episodes ingest writes).
 * Not API: may change without notice.
 */
package dev.loci.internal;
