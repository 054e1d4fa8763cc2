package dev.loci.store.elasticsearch;

import dev.loci.StorageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The text analysis of the embedded store (Lucene's {@link EnglishAnalyzer}: standard tokenizer,
 * possessives, lowercase, English stop words, Porter stemming), run in Loci. The index gets the
 * tokens joined by spaces into a field the cluster splits on whitespace only, so the cluster's
 * BM25 sees exactly the terms, and the term counts (field lengths), the Lucene store sees; the
 * cluster's own analyzers (the test cluster has no {@code english} one) play no part.
 *
 * <p>Thread-safe: the analyzer reuses per-thread token streams.
 */
final class EnglishTokens implements AutoCloseable {
    /** Query terms beyond this are ignored, as in the Lucene store. */
    static final int MAX_QUERY_TERMS = 512;
    private final Analyzer analyzer = new EnglishAnalyzer();

    /** Every token of {@code text}, in order, repeats included, joined by single spaces. */
    String indexForm(String text) {
        return String.join(" ", analyse(text));
    }

    /** The distinct query terms, in order of appearance, at most {@link #MAX_QUERY_TERMS}. */
    List<String> queryTerms(String text) {
        return new LinkedHashSet<>(analyse(text)).stream().limit(MAX_QUERY_TERMS).toList();
    }

    private List<String> analyse(String text) {
        var out = new ArrayList<String>();
        try (var ts = analyzer.tokenStream("text", text)) {
            var term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new StorageException("cannot analyse text: " + e.getMessage(), false, e);
        }
        return out;
    }

    @Override
    public void close() {
        analyzer.close();
    }
}
