/**
 * The embedded engine: {@link dev.loci.engine.LociEngine} implements {@link dev.loci.Loci} over the
 * ports in {@link dev.loci.spi}, wiring the pipelines of {@code dev.loci.internal}. Build one with
 * {@link dev.loci.engine.LociEngine#builder()}.
 */
package dev.loci.engine;
