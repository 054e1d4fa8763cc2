package dev.loci.store.lucene;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.StorageException;
import dev.loci.TimeRange;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.StoredMemory;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * How a memory maps to Lucene fields, and how a {@link SearchFilter} maps to a Lucene filter.
 * The tenant clause is added first and unconditionally: no query built here can cross tenants.
 */
final class LuceneDocuments {
    static final String KEY = "key";
    static final String ID = "id";
    static final String TENANT = "tenant";
    static final String USER = "user";
    static final String AGENT = "agent";
    static final String SESSION = "session";
    static final String KIND = "kind";
    static final String OCCURRED = "occurred";
    static final String META = "meta";
    /** Lifecycle times as points, for as-of filters; absent means never (old documents lack them). */
    static final String RECORDED = "recorded";
    static final String VALID_TO = "validTo";
    static final String EXPIRES = "expires";
    /** Recall counts as updatable doc values ({@link Accesses}); absent in documents older than them. */
    static final String ACCESS_COUNT = "accessCount";
    static final String LAST_ACCESS = "lastAccess";
    static final String TEXT = "text";
    static final String VECTOR = "vec";
    static final String RECORD = "record";
    /**
     * The text BM25 indexes, stored so the index can be rebuilt and exported exactly (it holds
     * context keys no memory field has); absent in documents written before it was stored.
     */
    static final String INDEX_TEXT = "indexText";
    static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.DOT_PRODUCT;

    private LuceneDocuments() {
    }

    static String key(String tenant, String id) {
        return tenant + '\u0000' + id;
    }

    static Document toDocument(StoredMemory stored, byte[] record) {
        Memory m = stored.memory();
        Scope s = m.scope();
        var doc = new Document();
        doc.add(new StringField(KEY, key(s.tenant(), m.id()), Field.Store.NO));
        doc.add(new SortedDocValuesField(ID, new BytesRef(m.id())));
        doc.add(new StringField(TENANT, s.tenant(), Field.Store.NO));
        addIfPresent(doc, USER, s.userId());
        addIfPresent(doc, AGENT, s.agentId());
        addIfPresent(doc, SESSION, s.sessionId());
        doc.add(new StringField(KIND, m.kind().name(), Field.Store.NO));
        long micros = micros(m.occurredAt());
        doc.add(new LongPoint(OCCURRED, micros));
        doc.add(new NumericDocValuesField(OCCURRED, micros));
        doc.add(new LongPoint(RECORDED, micros(m.recordedAt())));
        if (m.validTo() != null) {
            doc.add(new LongPoint(VALID_TO, micros(m.validTo())));
        }
        if (m.lifecycle().expiresAt() != null) {
            doc.add(new LongPoint(EXPIRES, micros(m.lifecycle().expiresAt())));
        }
        // Both always present: doc values can only be updated in fields the index has.
        doc.add(new NumericDocValuesField(ACCESS_COUNT, m.lifecycle().accessCount()));
        doc.add(new NumericDocValuesField(LAST_ACCESS, m.lifecycle().lastAccessedAt() == null ? Accesses.Access.NEVER
                : micros(m.lifecycle().lastAccessedAt())));
        for (Map.Entry<String, String> e : m.metadata().entrySet()) {
            doc.add(new StringField(META, e.getKey() + '\u0000' + e.getValue(), Field.Store.NO));
        }
        doc.add(new TextField(TEXT, stored.indexText(), Field.Store.NO));
        doc.add(new KnnFloatVectorField(VECTOR, stored.embedding().toArray(), SIMILARITY));
        doc.add(new StoredField(RECORD, record));
        doc.add(new StoredField(INDEX_TEXT, stored.indexText()));
        return doc;
    }

    private static void addIfPresent(Document doc, String field, String value) {
        if (value != null) {
            doc.add(new StringField(field, value, Field.Store.NO));
        }
    }

    /** Event time as epoch microseconds (the resolution of time filters). */
    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }

    static Query filter(SearchFilter f) {
        var b = new BooleanQuery.Builder();
        Scope s = f.scope();
        b.add(new TermQuery(new Term(TENANT, s.tenant())), Occur.FILTER);
        if (s.userId() != null) {
            b.add(new TermQuery(new Term(USER, s.userId())), Occur.FILTER);
        }
        if (s.agentId() != null) {
            b.add(new TermQuery(new Term(AGENT, s.agentId())), Occur.FILTER);
        }
        if (s.sessionId() != null) {
            b.add(new TermQuery(new Term(SESSION, s.sessionId())), Occur.FILTER);
        }
        if (!f.kinds().isEmpty()) {
            b.add(new TermInSetQuery(KIND, f.kinds().stream().map(Kind::name).sorted().map(BytesRef::new).toList()),
                    Occur.FILTER);
        }
        TimeRange r = f.timeRange();
        if (r != null) {
            long from = r.from() == null ? Long.MIN_VALUE : micros(r.from());
            long to = r.to() == null ? Long.MAX_VALUE : micros(r.to()) - 1; // half-open: to is excluded
            b.add(LongPoint.newRangeQuery(OCCURRED, from, to), Occur.FILTER);
        }
        f.metadata().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                b.add(new TermQuery(new Term(META, e.getKey() + '\u0000' + e.getValue())), Occur.FILTER));
        if (f.visibleAt() != null) {
            // Excluding what is not yet recorded, closed or expired (rather than requiring the
            // opposite) keeps documents written before these fields existed visible.
            long at = micros(f.visibleAt());
            if (at < Long.MAX_VALUE) {
                b.add(LongPoint.newRangeQuery(RECORDED, at + 1, Long.MAX_VALUE), Occur.MUST_NOT);
            }
            b.add(LongPoint.newRangeQuery(VALID_TO, Long.MIN_VALUE, at), Occur.MUST_NOT);
            b.add(LongPoint.newRangeQuery(EXPIRES, Long.MIN_VALUE, at), Occur.MUST_NOT);
        }
        if (f.heldAt() != null) {
            // Happened by then, and not closed or expired by then, whenever it was recorded.
            long at = micros(f.heldAt());
            b.add(LongPoint.newRangeQuery(OCCURRED, Long.MIN_VALUE, at), Occur.FILTER);
            b.add(LongPoint.newRangeQuery(VALID_TO, Long.MIN_VALUE, at), Occur.MUST_NOT);
            b.add(LongPoint.newRangeQuery(EXPIRES, Long.MIN_VALUE, at), Occur.MUST_NOT);
        }
        return b.build();
    }

    /**
     * Whether {@code f} keeps every document of {@code reader}: only scope terms and kinds that
     * every document has (one user holding the whole index, say) and visibility clauses that
     * exclude nothing in it. Searches then skip the filter, which would otherwise be intersected with
     * every posting and, for kNN, turned into a bit set over the whole index on every query.
     * Deleted documents are excluded by the searcher either way.
     */
    static boolean keepsEverything(SearchFilter f, IndexReader reader) throws IOException {
        if (f.timeRange() != null || !f.metadata().isEmpty() || f.heldAt() != null) {
            return false;
        }
        int maxDoc = reader.maxDoc();
        if (!f.kinds().isEmpty()) {
            long ofKinds = 0; // every document has exactly one kind
            for (Kind k : f.kinds()) {
                ofKinds += reader.docFreq(new Term(KIND, k.name()));
            }
            if (ofKinds != maxDoc) {
                return false;
            }
        }
        Scope s = f.scope();
        if (reader.docFreq(new Term(TENANT, s.tenant())) != maxDoc
                || s.userId() != null && reader.docFreq(new Term(USER, s.userId())) != maxDoc
                || s.agentId() != null && reader.docFreq(new Term(AGENT, s.agentId())) != maxDoc
                || s.sessionId() != null && reader.docFreq(new Term(SESSION, s.sessionId())) != maxDoc) {
            return false;
        }
        if (f.visibleAt() == null) {
            return true;
        }
        long at = micros(f.visibleAt());
        for (LeafReaderContext leaf : reader.leaves()) {
            PointValues recorded = leaf.reader().getPointValues(RECORDED);
            if (recorded != null && recorded.size() > 0 && at < Long.MAX_VALUE
                    && LongPoint.decodeDimension(recorded.getMaxPackedValue(), 0) > at) {
                return false; // something is recorded after the moment asked about
            }
            for (String closed : new String[] {VALID_TO, EXPIRES}) {
                PointValues times = leaf.reader().getPointValues(closed);
                if (times != null && times.size() > 0 && LongPoint.decodeDimension(times.getMinPackedValue(), 0) <= at) {
                    return false; // something is superseded or expired by then
                }
            }
        }
        return true;
    }

    /** Every memory, of any tenant, expired at {@code at}. */
    static Query expired(Instant at) {
        return LongPoint.newRangeQuery(EXPIRES, Long.MIN_VALUE, micros(at));
    }

    /** BM25 over the analysed query terms (any term may match), or null when no term survives analysis. */
    static Query lexical(Analyzer analyzer, String text) {
        Set<String> terms = new LinkedHashSet<>();
        try (var ts = analyzer.tokenStream(TEXT, text)) {
            var attr = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                terms.add(attr.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new StorageException("cannot analyse query text: " + e.getMessage(), false, e);
        }
        if (terms.isEmpty()) {
            return null;
        }
        int max = Math.min(terms.size(), IndexSearcherLimits.MAX_QUERY_TERMS);
        var b = new BooleanQuery.Builder();
        terms.stream().limit(max).forEach(t -> b.add(new TermQuery(new Term(TEXT, t)), Occur.SHOULD));
        return b.build();
    }

    static Query keys(List<String> keys) {
        return new TermInSetQuery(KEY, keys.stream().sorted().map(BytesRef::new).toList());
    }

    /** Limits applied to generated queries. */
    static final class IndexSearcherLimits {
        /** Query terms beyond this are ignored (Lucene's default clause limit is 1024). */
        static final int MAX_QUERY_TERMS = 512;

        private IndexSearcherLimits() {
        }
    }
}
