package dev.loci.store.elasticsearch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much each query word of a BM25 search should weigh among the memories the search ranges over
 * (its filter: one user's, one session's), as the embedded store weighs it, while the cluster
 * scores with the statistics of the whole shard (every tenant and user routed to it).
 *
 * <p>Elasticsearch scores a {@code term} query as {@code boost * idf(shard) * tf part}, and its
 * similarity cannot be given other statistics from a client (no scripts on the cluster). So each
 * term query is boosted by {@code idf(scoped) / idf(shard)}: its score becomes
 * {@code idf(scoped) * tf part}, where {@code idf(n, df) = ln(1 + (n - df + 0.5) / (df + 0.5))}
 * (Lucene's BM25). The tf part keeps the shard's average length, as the embedded store keeps the
 * index's.
 *
 * @param shardDocCount the shard's documents with text ({@code _termvectors} field statistics)
 * @param shardDf       each term's document frequency on the shard ({@code _termvectors} term statistics)
 * @param inScope       the memories the filter keeps
 * @param scopedDf      each term's document frequency among them
 */
record ScopedIdf(long shardDocCount, Map<String, Long> shardDf, long inScope, Map<String, Long> scopedDf) {

    static double idf(long docCount, long docFreq) {
        return Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5));
    }

    /** Whether the filter keeps every document the shard counts, so the shard's statistics are already its own. */
    boolean keepsWholeShard() {
        return inScope >= shardDocCount;
    }

    /**
     * The boost of each term, in the order of {@code terms}; terms no memory in scope holds are left
     * out (they would match nothing under the filter).
     */
    Map<String, Float> boosts(List<String> terms) {
        var out = new LinkedHashMap<String, Float>();
        for (String t : terms) {
            long df = scopedDf.getOrDefault(t, 0L);
            if (df <= 0) {
                continue;
            }
            // the two counts come from two reads of the shard: keep them consistent if a refresh fell between
            long sDf = Math.max(df, shardDf.getOrDefault(t, 0L));
            long sN = Math.max(Math.max(shardDocCount, sDf), inScope);
            long n = Math.max(inScope, df);
            out.put(t, (float) (idf(n, df) / idf(sN, sDf)));
        }
        return out;
    }
}
