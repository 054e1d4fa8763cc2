/**
 * Ports: the small interfaces adapters implement ({@link dev.loci.spi.Embedder},
 * {@link dev.loci.spi.MemoryStore}) and the value types that cross them.
 * Adapters translate their vendor exceptions into {@link dev.loci.LociException} subtypes here.
 */
package dev.loci.spi;
