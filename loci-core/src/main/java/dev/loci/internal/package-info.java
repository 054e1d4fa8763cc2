/**
 * The pipelines behind the {@link dev.loci.Loci} facade, one sub-package per concern, each readable
 * top to bottom. Dependencies point one way:
 * <pre>
 * ingest    → hierarchy, facts, util
 * lifecycle → hierarchy, facts, util
 * context   → recall, util
 * recall    → util
 * hierarchy → util
 * facts     → facts.extract, util
 * </pre>
 * {@code util} and {@code facts.extract} depend on nothing else here. Not API: may change without
 * notice.
 */
package dev.loci.internal;
