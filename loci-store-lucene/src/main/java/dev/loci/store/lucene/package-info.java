/**
 * The embedded default store: Lucene for BM25 text search, int8-quantized HNSW vectors and the
 * stored records, with a write-ahead log that makes every acknowledged write survive
 * {@code kill -9}. Entry point: {@link dev.loci.store.lucene.LuceneMemoryStore#open}.
 */
package dev.loci.store.lucene;
