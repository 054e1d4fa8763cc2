package dev.loci.store.lucene;

import dev.loci.Lifecycle;
import dev.loci.Memory;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;

/**
 * Recall counts kept beside the documents, so that reinforcing a recalled memory never rewrites
 * (or re-embeds) it.
 *
 * <p>Each document carries its access count and last access as numeric doc values
 * ({@link LuceneDocuments#ACCESS_COUNT}, {@link LuceneDocuments#LAST_ACCESS}), written from the
 * memory's lifecycle and overlaid on the decoded record when it is read. A recall's accesses go
 * first to the write-ahead log (an ACCESS record with the new absolute values, appended but not
 * fsynced) and to the pending map here, which reads consult; they reach the doc values in one batch
 * of {@link IndexWriter#updateNumericDocValue} calls just before the next commit (a checkpoint, a
 * write under COMMIT_PER_WRITE, close), after which the map drops them. So a recall costs one log
 * append and a map update, and refreshes nothing.
 *
 * <p>Values are absolute, not increments, so replaying a record twice changes nothing, and counts
 * only grow: a read takes the larger of the pending and the indexed value, which keeps it right
 * while a commit moves values from the map to the index.
 *
 * <p>Thread-safe: the map is concurrent; callers order writes to it under the store's write lock.
 */
final class Accesses {
    /** A memory's access count and last access (epoch microseconds, {@link Long#MIN_VALUE} for never). */
    record Access(int count, long lastMicros) {
        static final long NEVER = Long.MIN_VALUE;

        Access max(Access other) {
            if (other == null) {
                return this;
            }
            return new Access(Math.max(count, other.count), Math.max(lastMicros, other.lastMicros));
        }

        /** One more access at {@code atMicros}. */
        Access accessed(long atMicros) {
            return new Access(count + 1, Math.max(lastMicros, atMicros));
        }

        static Access of(Memory m) {
            Instant last = m.lifecycle().lastAccessedAt();
            return new Access(m.lifecycle().accessCount(), last == null ? NEVER : LuceneDocuments.micros(last));
        }
    }

    private final ConcurrentHashMap<String, Access> pending = new ConcurrentHashMap<>();

    /** The access not yet in the index for this key, or null. */
    Access pending(String key) {
        return pending.get(key);
    }

    void put(String key, Access access) {
        pending.put(key, access);
    }

    /** The key was rewritten or deleted: what the new document says (or nothing) is the truth. */
    void drop(String key) {
        pending.remove(key);
    }

    int size() {
        return pending.size();
    }

    /**
     * Writes every pending access into the index's doc values (to be committed by the caller) and
     * returns what was written, for {@link #flushed} once a reader shows it.
     */
    Map<String, Access> applyTo(IndexWriter writer) throws IOException {
        Map<String, Access> snapshot = Map.copyOf(pending);
        for (var e : snapshot.entrySet()) {
            Term key = new Term(LuceneDocuments.KEY, e.getKey());
            writer.updateNumericDocValue(key, LuceneDocuments.ACCESS_COUNT, e.getValue().count());
            writer.updateNumericDocValue(key, LuceneDocuments.LAST_ACCESS, e.getValue().lastMicros());
        }
        return snapshot;
    }

    /** Drops the written entries that no later access has changed. */
    void flushed(Map<String, Access> written) {
        written.forEach(pending::remove);
    }

    /**
     * Makes sure the index knows both doc-values fields, which Lucene requires before it updates
     * them: an index written before they existed gets them from a placeholder document, added and
     * deleted at once (it has no tenant, so no query could have matched it).
     */
    static void ensureFields(IndexWriter writer) throws IOException {
        try (DirectoryReader reader = DirectoryReader.open(writer)) {
            if (reader.maxDoc() == 0 || FieldInfos.getMergedFieldInfos(reader).fieldInfo(LuceneDocuments.ACCESS_COUNT) != null) {
                return;
            }
        }
        Term placeholder = new Term(LuceneDocuments.KEY, "\u0000access-fields");
        var doc = new Document();
        doc.add(new StringField(LuceneDocuments.KEY, placeholder.text(), Field.Store.NO));
        doc.add(new NumericDocValuesField(LuceneDocuments.ACCESS_COUNT, 0));
        doc.add(new NumericDocValuesField(LuceneDocuments.LAST_ACCESS, Access.NEVER));
        writer.addDocument(doc);
        writer.deleteDocuments(placeholder);
    }

    /**
     * The memory as decoded from its record, with the access count and last access its doc values
     * and {@code pending} say (the larger of the two); documents written before the doc values
     * existed keep their record's values.
     */
    static Memory overlay(Memory decoded, IndexSearcher searcher, int doc, Access pending) throws IOException {
        Access recorded = Access.of(decoded);
        Access indexed = indexed(searcher, doc);
        Access best = (indexed != null ? indexed : recorded).max(pending);
        if (best.equals(recorded)) {
            return decoded; // keeps the record's sub-microsecond precision
        }
        return withAccess(decoded, best);
    }

    /** The memory with {@code best} as its access count and last access. */
    static Memory withAccess(Memory decoded, Access best) {
        var life = decoded.lifecycle();
        Instant last = best.lastMicros() == Access.NEVER ? null : fromMicros(best.lastMicros());
        return decoded.withLifecycle(new Lifecycle(best.count(), last, life.expiresAt(), life.pinned(),
                life.supersedes(), life.supersededBy()));
    }

    /** The doc values of a document, or null if it has none (written before they existed). */
    static Access indexed(IndexSearcher searcher, int doc) throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        int local = doc - leaf.docBase;
        NumericDocValues counts = leaf.reader().getNumericDocValues(LuceneDocuments.ACCESS_COUNT);
        if (counts == null || !counts.advanceExact(local)) {
            return null;
        }
        NumericDocValues lasts = leaf.reader().getNumericDocValues(LuceneDocuments.LAST_ACCESS);
        long last = lasts != null && lasts.advanceExact(local) ? lasts.longValue() : Access.NEVER;
        return new Access((int) counts.longValue(), last);
    }

    static Instant fromMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
