package dev.loci.store.lucene;

import dev.loci.StorageException;
import dev.loci.spi.SearchHits;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.StoreHit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DoubleValues;
import org.apache.lucene.search.FullPrecisionFloatVectorSimilarityValuesSource;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.AlreadyClosedException;

/**
 * {@link dev.loci.spi.MemoryStore#search}: BM25 candidates over the English-analyzed text and kNN
 * candidates over the quantized vectors, both under the request's filter. BM25's statistics (how
 * many memories hold each word) are counted among the memories the filter keeps ({@link ScopedStatistics}),
 * so a word is weighed by how rare it is in what is searched, one user's memories, not in the index. The kNN query
 * oversamples ({@link LuceneStoreConfig#denseOversample()}) and keeps the best by their quantized
 * scores; with {@link LuceneStoreConfig#rescore()} (and always for one-bit vectors) the candidates
 * are re-ranked by their full-precision vectors, which the quantized format keeps beside the
 * quantized ones.
 *
 * <p>Thread-safe; {@link #close} releases the query analyzer.
 */
final class CandidateSearch implements AutoCloseable {
    private final LuceneIndex index;
    private final Searchers searchers;
    private final double denseOversample;
    private final boolean rescore;
    private final Analyzer analyzer = new EnglishAnalyzer();

    CandidateSearch(LuceneIndex index, Searchers searchers, LuceneStoreConfig config) {
        this.index = index;
        this.searchers = searchers;
        this.denseOversample = config.denseOversample();
        this.rescore = config.rescore() || config.vectorEncoding() == LuceneStoreConfig.VectorEncoding.BBQ;
    }

    SearchHits search(SearchRequest request) {
        IndexSearcher searcher = searchers.acquire();
        try {
            // null when the filter keeps every document (one user's store): no filter is cheaper.
            Query filter = LuceneDocuments.keepsEverything(request.filter(), searcher.getIndexReader()) ? null
                    : LuceneDocuments.filter(request.filter());
            List<StoreHit> lexical = List.of();
            Query text = request.lexicalTopN() > 0 ? LuceneDocuments.lexical(analyzer, request.text()) : null;
            if (text != null) {
                Query q = filter == null ? text
                        : new BooleanQuery.Builder().add(text, Occur.MUST).add(filter, Occur.FILTER).build();
                // BM25 weighs words by how rare they are among the memories searched, not the whole index's
                IndexSearcher scored = filter == null ? searcher : new ScopedStatistics(searcher, filter);
                lexical = hits(searcher, scored.search(q, request.lexicalTopN()), false);
            }
            List<StoreHit> dense = List.of();
            if (request.denseTopN() > 0 && index.dimensions() > 0) {
                index.checkDimensions(request.vector().dimensions(), "query vector");
                float[] target = request.vector().toArray();
                int candidates = (int) Math.ceil(request.denseTopN() * denseOversample);
                Query knn = new KnnFloatVectorQuery(LuceneDocuments.VECTOR, target, candidates, filter);
                TopDocs found = searcher.search(knn, candidates);
                dense = hits(searcher, rescore ? rescore(searcher, found, target, request.denseTopN())
                        : best(found, request.denseTopN()), true);
            }
            return new SearchHits(lexical, dense);
        } catch (IOException | AlreadyClosedException e) {
            throw index.failure("search", e);
        } finally {
            searchers.release(searcher);
        }
    }

    /**
     * Re-ranks quantized kNN candidates by their full-precision similarity and keeps the best
     * {@code n}.
     */
    private static TopDocs rescore(IndexSearcher searcher, TopDocs candidates, float[] target, int n)
            throws IOException {
        var source = new FullPrecisionFloatVectorSimilarityValuesSource(target, LuceneDocuments.VECTOR,
                LuceneDocuments.SIMILARITY);
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        var rescored = new ArrayList<ScoreDoc>(candidates.scoreDocs.length);
        ScoreDoc[] byDoc = candidates.scoreDocs.clone();
        Arrays.sort(byDoc, (a, b) -> Integer.compare(a.doc, b.doc));
        LeafReaderContext leaf = null;
        DoubleValues values = null;
        for (ScoreDoc sd : byDoc) {
            if (leaf == null || sd.doc >= leaf.docBase + leaf.reader().maxDoc()) {
                leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
                values = source.getValues(leaf, null);
            }
            float exact = values.advanceExact(sd.doc - leaf.docBase) ? (float) values.doubleValue() : sd.score;
            rescored.add(new ScoreDoc(sd.doc, exact));
        }
        rescored.sort((a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.doc, b.doc));
        var top = rescored.subList(0, Math.min(n, rescored.size())).toArray(new ScoreDoc[0]);
        return new TopDocs(candidates.totalHits, top);
    }

    /** The best {@code n} candidates by their quantized scores (the query returns them best first). */
    private static TopDocs best(TopDocs candidates, int n) {
        ScoreDoc[] all = candidates.scoreDocs;
        return all.length <= n ? candidates : new TopDocs(candidates.totalHits, Arrays.copyOf(all, n));
    }

    private static List<StoreHit> hits(IndexSearcher searcher, TopDocs top, boolean similarity) throws IOException {
        var out = new ArrayList<StoreHit>(top.scoreDocs.length);
        for (ScoreDoc sd : top.scoreDocs) {
            // DOT_PRODUCT scores are (1 + cos) / 2; report the cosine itself.
            double score = similarity ? 2.0 * sd.score - 1.0 : sd.score;
            out.add(new StoreHit(loadId(searcher, sd.doc), score));
        }
        return out;
    }

    private static String loadId(IndexSearcher searcher, int doc) throws IOException {
        // The id is kept as doc values: reading it does not decompress the stored record.
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        var ids = leaf.reader().getSortedDocValues(LuceneDocuments.ID);
        if (ids == null || !ids.advanceExact(doc - leaf.docBase)) {
            throw new StorageException("index document " + doc + " has no id", false);
        }
        return ids.lookupOrd(ids.ordValue()).utf8ToString();
    }

    @Override
    public void close() {
        analyzer.close();
    }
}
