/**
 * Compression: a token-budgeted context block built from a recall and the user's profile
 * ({@link dev.loci.internal.context.ContextPipeline}). Depends on {@code recall} and {@code util}.
 */
package dev.loci.internal.context;
