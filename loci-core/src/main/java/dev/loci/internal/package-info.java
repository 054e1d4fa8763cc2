/**
 * The pipelines behind the {@link dev.loci.Loci} facade, each readable top to bottom:
 * {@link dev.loci.internal.IngestPipeline} (validate, id, embed, write),
 * {@link dev.loci.internal.RecallPipeline} (embed query, search, fuse, explain),
 * {@link dev.loci.internal.ForgetPipeline} (delete, then repair the episodes, sessions and topics
 * derived from what was deleted) and {@link dev.loci.internal.Consolidator} (sessions and topics,
 * built in the background from the episodes ingest writes), {@link dev.loci.internal.FactPipeline}
 * (facts read from turns by the {@link dev.loci.spi.Extractor}, duplicates reinforced, contradicted
 * facts closed by the {@link dev.loci.internal.Supersession} rule, the profile rewritten), with
 * {@link dev.loci.internal.PatternExtractor} the offline extractor.
 * Not API: may change without notice.
 */
package dev.loci.internal;
