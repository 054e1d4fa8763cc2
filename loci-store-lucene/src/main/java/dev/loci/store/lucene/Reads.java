package dev.loci.store.lucene;

import dev.loci.Memory;
import dev.loci.StorageException;
import dev.loci.UserSummary;
import dev.loci.spi.Embedding;
import dev.loci.spi.ListPosition;
import dev.loci.spi.MemoryCodec;
import dev.loci.spi.SearchFilter;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.Weight;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * The store's reads other than search ({@link CandidateSearch}): by id, by filter (oldest or newest
 * first), expired, and
 * stored vectors. Each runs on a searcher from {@link Searchers#acquire}, so it sees every write
 * that returned before it, and returns memories with their current access counts
 * ({@link Accesses}: the record's, the index's doc values or a pending count, whichever is
 * highest).
 *
 * <p>Thread-safe.
 */
final class Reads {
    private final LuceneIndex index;
    private final Searchers searchers;
    private final Accesses accesses;

    Reads(LuceneIndex index, Searchers searchers, Accesses accesses) {
        this.index = index;
        this.searchers = searchers;
        this.accesses = accesses;
    }

    /**
     * By id, without refreshing the searcher: ingest reads a few memories it or a recent call may
     * just have written (a fact it reinforces, a profile), and a refresh per such read would flush
     * a tiny segment per call, whose vector graph the merges then rebuild again and again.
     */
    Optional<Memory> get(String tenant, String id) {
        String key = LuceneDocuments.key(tenant, id);
        // Read before the searcher: a commit that moves it into the index refreshes first.
        Accesses.Access unindexed = accesses.pending(key);
        try {
            return searchers.read(key, (record, deleted, searcher) -> {
                if (deleted) {
                    return Optional.empty();
                }
                if (record != null) { // written since the last refresh: its record, and the accesses since
                    Memory m = MemoryCodec.decode(record);
                    Accesses.Access recorded = Accesses.Access.of(m);
                    Accesses.Access since = accesses.pending(key);
                    Accesses.Access best = recorded.max(since == null ? unindexed : since.max(unindexed));
                    return Optional.of(best.equals(recorded) ? m : Accesses.withAccess(m, best));
                }
                int doc = liveDoc(searcher, key);
                return doc < 0 ? Optional.<Memory>empty() : Optional.of(load(searcher, doc, unindexed));
            });
        } catch (AlreadyClosedException e) {
            throw index.failure("get", e);
        }
    }

    long count(SearchFilter filter) {
        Query query = LuceneDocuments.filter(filter);
        IndexSearcher searcher = searchers.acquire();
        try {
            return searcher.count(query);
        } catch (IOException | AlreadyClosedException e) {
            throw index.failure("count", e);
        } finally {
            searchers.release(searcher);
        }
    }

    /** The tenant's users after {@code after}, in code point order, with their counts ({@link UserCounts}). */
    List<UserSummary> users(String tenant, String after, int limit, Instant visibleAt) {
        IndexSearcher searcher = searchers.acquire();
        try {
            return UserCounts.users(searcher, tenant, after, limit, visibleAt);
        } catch (IOException | AlreadyClosedException e) {
            throw index.failure("list users", e);
        } finally {
            searchers.release(searcher);
        }
    }

    /** Oldest first: event time, then id. */
    List<Memory> list(SearchFilter filter, int limit) {
        var order = new Sort(new SortField(LuceneDocuments.OCCURRED, SortField.Type.LONG),
                new SortField(LuceneDocuments.ID, SortField.Type.STRING));
        IndexSearcher searcher = searchers.acquire();
        try {
            int n = Math.min(limit, Math.max(1, searcher.getIndexReader().maxDoc()));
            TopDocs top = searcher.search(LuceneDocuments.filter(filter), n, order);
            return loadAll(searcher, top);
        } catch (IOException | AlreadyClosedException e) {
            throw index.failure("list", e);
        } finally {
            searchers.release(searcher);
        }
    }

    /** The memories of {@code top}'s documents, in its order. */
    private List<Memory> loadAll(IndexSearcher searcher, TopDocs top) throws IOException {
        var out = new ArrayList<Memory>(top.scoreDocs.length);
        for (ScoreDoc sd : top.scoreDocs) {
            out.add(load(searcher, sd.doc, null));
        }
        return out;
    }

    /**
     * Newest first: event time (microseconds) descending, then id descending, after {@code after}.
     * The position is given to Lucene as the sort values of the last document (equal sort values go
     * by document number), so the memory it names is not listed again.
     */
    List<Memory> listNewestFirst(SearchFilter filter, ListPosition after, int limit) {
        var order = new Sort(new SortField(LuceneDocuments.OCCURRED, SortField.Type.LONG, true),
                new SortField(LuceneDocuments.ID, SortField.Type.STRING, true));
        IndexSearcher searcher = searchers.acquire();
        try {
            int maxDoc = searcher.getIndexReader().maxDoc();
            if (maxDoc == 0) {
                return List.of();
            }
            int n = Math.min(limit, maxDoc);
            Query query = LuceneDocuments.filter(filter);
            TopDocs top = after == null ? searcher.search(query, n, order)
                    : searcher.searchAfter(new FieldDoc(maxDoc - 1, Float.NaN, new Object[] {
                            LuceneDocuments.micros(after.occurredAt()), new BytesRef(after.id())}), query, n, order);
            return loadAll(searcher, top);
        } catch (IOException | AlreadyClosedException e) {
            throw index.failure("list", e);
        } finally {
            searchers.release(searcher);
        }
    }

    List<Memory> expired(Instant at, int limit) {
        IndexSearcher searcher = searchers.acquire();
        try {
            return matching(searcher, LuceneDocuments.expired(at), limit);
        } catch (IOException | AlreadyClosedException e) {
            throw index.failure("list expired", e);
        } finally {
            searchers.release(searcher);
        }
    }

    /** The full-precision vectors (the quantized format keeps them) of those ids that exist. */
    Map<String, Embedding> vectors(String tenant, Collection<String> ids) {
        IndexSearcher searcher = searchers.acquire();
        try {
            Map<String, Embedding> out = new LinkedHashMap<>();
            List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
            for (String id : ids) {
                int doc = liveDoc(searcher, LuceneDocuments.key(tenant, id));
                if (doc < 0) {
                    continue;
                }
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
                FloatVectorValues values = leaf.reader().getFloatVectorValues(LuceneDocuments.VECTOR);
                if (values == null) {
                    throw new StorageException("index document of " + id + " has no vector", false);
                }
                KnnVectorValues.DocIndexIterator it = values.iterator();
                if (it.advance(doc - leaf.docBase) != doc - leaf.docBase) {
                    throw new StorageException("index document of " + id + " has no vector", false);
                }
                out.put(id, Embedding.of(values.vectorValue(it.index())));
            }
            return out;
        } catch (IOException | AlreadyClosedException e) {
            throw index.failure("vectors", e);
        } finally {
            searchers.release(searcher);
        }
    }

    /** Up to {@code limit} live documents the query matches, loaded (scoring skipped). */
    List<Memory> matching(IndexSearcher searcher, Query query, int limit) throws IOException {
        Weight weight = searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1f);
        var out = new ArrayList<Memory>();
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            Scorer scorer = weight.scorer(leaf);
            if (scorer == null) {
                continue;
            }
            var live = leaf.reader().getLiveDocs();
            DocIdSetIterator docs = scorer.iterator();
            for (int doc = docs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.nextDoc()) {
                if (out.size() >= limit) {
                    return out;
                }
                if (live == null || live.get(doc)) {
                    out.add(load(searcher, leaf.docBase + doc, null));
                }
            }
        }
        return out;
    }

    /** The memory in the document, with its current access count ({@link Accesses}). */
    private Memory load(IndexSearcher searcher, int doc, Accesses.Access unindexed) throws IOException {
        Memory m = decode(searcher, doc);
        Accesses.Access pending = accesses.pending(LuceneDocuments.key(m.scope().tenant(), m.id()));
        return Accesses.overlay(m, searcher, doc, pending == null ? unindexed : pending.max(unindexed));
    }

    /** The memory as its stored record says, without the access-count overlay. */
    static Memory decode(IndexSearcher searcher, int doc) throws IOException {
        Document d = searcher.storedFields().document(doc, Set.of(LuceneDocuments.RECORD));
        var bytes = d.getBinaryValue(LuceneDocuments.RECORD);
        return MemoryCodec.decode(Arrays.copyOfRange(bytes.bytes, bytes.offset, bytes.offset + bytes.length));
    }

    /**
     * The live document holding {@code key}, or -1: a direct term lookup in each segment, as a
     * primary key read should be. Going through {@link IndexSearcher#search} instead builds a
     * query, a collector, and, on a multi-segment index, hands each segment to the search threads:
     * recall reads a couple of hundred candidates this way per query.
     */
    static int liveDoc(IndexSearcher searcher, String key) throws IOException {
        var term = new BytesRef(key);
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            Terms terms = leaf.reader().terms(LuceneDocuments.KEY);
            if (terms == null) {
                continue;
            }
            TermsEnum te = terms.iterator();
            if (!te.seekExact(term)) {
                continue;
            }
            PostingsEnum postings = te.postings(null, PostingsEnum.NONE);
            Bits live = leaf.reader().getLiveDocs();
            for (int d = postings.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = postings.nextDoc()) {
                if (live == null || live.get(d)) {
                    return leaf.docBase + d;
                }
            }
        }
        return -1;
    }

    static TermQuery byKey(String tenant, String id) {
        return byKey(LuceneDocuments.key(tenant, id));
    }

    static TermQuery byKey(String key) {
        return new TermQuery(new Term(LuceneDocuments.KEY, key));
    }
}
