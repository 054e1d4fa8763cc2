/**
 * Loci's public API: the {@link dev.loci.Loci} facade, the memory model ({@link dev.loci.Memory},
 * {@link dev.loci.Scope}, {@link dev.loci.Message}), recall queries and their explained results,
 * configuration records and the exception hierarchy rooted at {@link dev.loci.LociException}.
 *
 * <p>Everything here is JDK-only. Storage and embedding are reached through the ports in
 * {@link dev.loci.spi}; the pipelines that tie them together live in {@code dev.loci.internal}.
 */
package dev.loci;
