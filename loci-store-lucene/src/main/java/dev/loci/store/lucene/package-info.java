/**
 * The embedded default store: Lucene for BM25 text search, int8-quantized HNSW vectors and the
 * stored records, with a write-ahead log that makes every acknowledged write survive
 * {@code kill -9}. Entry point: {@link dev.loci.store.lucene.LuceneMemoryStore#open}. Tools for a
 * data directory as a whole: {@link dev.loci.store.lucene.StoreCheck} (verify without changing),
 * {@link dev.loci.store.lucene.StoreRepair} (rebuild from what is intact) and
 * {@link dev.loci.store.lucene.StoreBackup} (online backup, restore).
 */
package dev.loci.store.lucene;
