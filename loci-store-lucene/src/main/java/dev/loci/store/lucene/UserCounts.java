package dev.loci.store.lucene;

import dev.loci.Kind;
import dev.loci.Scope;
import dev.loci.UserSummary;
import dev.loci.spi.SearchFilter;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.util.BytesRef;

/**
 * The tenant's users for {@link dev.loci.spi.UserListing}, read from the index without loading a
 * memory: the user field's terms (of every tenant) from the cursor on; for each, one pass over the
 * postings of its documents in the tenant that tallies their kinds (each document's kind is found
 * by advancing the kind terms' postings alongside, so the pass is as long as the user's documents,
 * whatever the number of kinds), and, for a user with any, one top-1 search sorted on the event
 * time's doc values for its newest document visible at the moment asked about. A user of another
 * tenant passed over costs one empty pass, so a page costs more the more users other tenants hold
 * between this tenant's.
 *
 * <p>Stateless; each call runs on the searcher it is given.
 */
final class UserCounts {
    private static final Kind[] KINDS = Kind.values();
    private static final Sort NEWEST = new Sort(new SortField(LuceneDocuments.OCCURRED, SortField.Type.LONG, true));

    private UserCounts() {
    }

    static List<UserSummary> users(IndexSearcher searcher, String tenant, String after, int limit, Instant visibleAt)
            throws IOException {
        List<UserSummary> out = new ArrayList<>();
        Terms terms = MultiTerms.getTerms(searcher.getIndexReader(), LuceneDocuments.USER);
        if (terms == null) {
            return out;
        }
        TermsEnum users = terms.iterator();
        BytesRef user;
        if (after == null) {
            user = users.next();
        } else {
            user = switch (users.seekCeil(new BytesRef(after))) {
                case END -> null;
                case FOUND -> users.next();
                case NOT_FOUND -> users.term();
            };
        }
        for (; user != null && out.size() < limit; user = users.next()) {
            Scope scope = Scope.user(tenant, user.utf8ToString());
            Map<Kind, Long> counts = countByKind(searcher, SearchFilter.of(scope));
            if (!counts.isEmpty()) {
                out.add(new UserSummary(scope.userId(), counts,
                        newest(searcher, SearchFilter.of(scope).visibleAt(visibleAt))));
            }
        }
        return out;
    }

    /** The live documents the filter matches, counted by kind. */
    private static Map<Kind, Long> countByKind(IndexSearcher searcher, SearchFilter filter) throws IOException {
        long[] counts = searcher.search(LuceneDocuments.filter(filter), new CollectorManager<KindTally, long[]>() {
            @Override
            public KindTally newCollector() {
                return new KindTally();
            }

            @Override
            public long[] reduce(Collection<KindTally> tallies) {
                long[] sum = new long[KINDS.length];
                for (KindTally t : tallies) {
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] += t.counts[i];
                    }
                }
                return sum;
            }
        });
        var byKind = new EnumMap<Kind, Long>(Kind.class);
        for (int i = 0; i < KINDS.length; i++) {
            if (counts[i] > 0) {
                byKind.put(KINDS[i], counts[i]);
            }
        }
        return byKind;
    }

    /** When the newest document the filter matches happened (to the microsecond), or null when none does. */
    private static Instant newest(IndexSearcher searcher, SearchFilter filter) throws IOException {
        TopFieldDocs top = searcher.search(LuceneDocuments.filter(filter), 1, NEWEST, false);
        if (top.scoreDocs.length == 0) {
            return null;
        }
        return Accesses.fromMicros((Long) ((FieldDoc) top.scoreDocs[0]).fields[0]);
    }

    /** Counts the collected documents by kind: every document has exactly one kind term. */
    private static final class KindTally implements Collector {
        final long[] counts = new long[KINDS.length];

        @Override
        public LeafCollector getLeafCollector(LeafReaderContext leaf) throws IOException {
            PostingsEnum[] ofKind = new PostingsEnum[KINDS.length];
            for (int i = 0; i < KINDS.length; i++) {
                ofKind[i] = leaf.reader().postings(new Term(LuceneDocuments.KIND, KINDS[i].name()), PostingsEnum.NONE);
            }
            return new LeafCollector() {
                @Override
                public void setScorer(Scorable scorer) {
                }

                @Override
                public void collect(int doc) throws IOException {
                    // Documents come in increasing order, so each kind's postings only move forward.
                    for (int i = 0; i < ofKind.length; i++) {
                        PostingsEnum p = ofKind[i];
                        if (p == null) {
                            continue;
                        }
                        int at = p.docID() < doc ? p.advance(doc) : p.docID();
                        if (at == doc) {
                            counts[i]++;
                            return;
                        }
                        if (at == DocIdSetIterator.NO_MORE_DOCS) {
                            ofKind[i] = null;
                        }
                    }
                }
            };
        }

        @Override
        public ScoreMode scoreMode() {
            return ScoreMode.COMPLETE_NO_SCORES;
        }
    }
}
