/**
 * The distributed store: memories in one Elasticsearch index per Loci deployment, routed by
 * tenant, with BM25 over text analysed in Loci (the embedded store's English analysis) and int8
 * HNSW kNN; fusion stays in Loci. Entry point: {@link dev.loci.store.elasticsearch.ElasticsearchMemoryStore}.
 */
package dev.loci.store.elasticsearch;
