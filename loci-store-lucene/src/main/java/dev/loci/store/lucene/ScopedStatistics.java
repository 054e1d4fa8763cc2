package dev.loci.store.lucene;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermStatistics;

/**
 * A searcher whose BM25 statistics describe the memories a search ranges over (its filter: one user's,
 * one session's) rather than the whole index: how rare a word is among them. Over the whole index a
 * user's own name is rare (other users do not say it) while it is in most of the user's own turns, so
 * it would weigh as the question's most telling word. Document counts are counted under the filter;
 * the average length is the index's. One per search; not thread-safe.
 */
final class ScopedStatistics extends IndexSearcher {
    private final IndexSearcher global;
    private final Query filter;
    private final Map<String, CollectionStatistics> collections = new HashMap<>();
    private long inScope = -1;

    ScopedStatistics(IndexSearcher global, Query filter) {
        super(global.getIndexReader());
        this.global = global;
        this.filter = filter;
        setSimilarity(global.getSimilarity());
        setQueryCache(null);
    }

    private long inScope() throws IOException {
        if (inScope < 0) {
            inScope = global.count(filter);
        }
        return inScope;
    }

    @Override
    public CollectionStatistics collectionStatistics(String field) throws IOException {
        CollectionStatistics all = global.collectionStatistics(field);
        long n = inScope();
        if (all == null || n <= 0 || n >= all.docCount()) {
            return all;
        }
        CollectionStatistics cached = collections.get(field);
        if (cached != null) {
            return cached;
        }
        double share = n / (double) all.docCount();
        long sumDocFreq = Math.max(n, Math.round(all.sumDocFreq() * share));
        long sumTotal = Math.max(sumDocFreq, Math.round(all.sumTotalTermFreq() * share));
        var scoped = new CollectionStatistics(field, n, n, sumTotal, sumDocFreq);
        collections.put(field, scoped);
        return scoped;
    }

    @Override
    public TermStatistics termStatistics(Term term, int docFreq, long totalTermFreq) throws IOException {
        long n = inScope();
        CollectionStatistics all = global.collectionStatistics(term.field());
        if (all == null || n <= 0 || n >= all.docCount()) {
            return super.termStatistics(term, docFreq, totalTermFreq);
        }
        long df = global.count(new BooleanQuery.Builder().add(new TermQuery(term), Occur.MUST)
                .add(filter, Occur.FILTER).build());
        df = Math.max(1, df); // a term no memory in reach holds scores nothing; the statistics must still be > 0
        return new TermStatistics(term.bytes(), df, Math.max(df, df * totalTermFreq / Math.max(1, docFreq)));
    }
}
