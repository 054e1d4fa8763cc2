package dev.loci.store.lucene;

import dev.loci.Memory;
import dev.loci.spi.StoredMemory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.util.Bits;

/**
 * Every stored memory, whole (record with current access counts, vector, index text), in a stable
 * order: tenant, then id. Reads one searcher, so the scan is a snapshot as of its start, however
 * many writes run meanwhile. Holds only the keys of the memories in memory, not the memories.
 *
 * <p>Thread-safe.
 */
final class Exports {
    private final LuceneIndex index;
    private final Searchers searchers;
    private final Accesses accesses;

    Exports(LuceneIndex index, Searchers searchers, Accesses accesses) {
        this.index = index;
        this.searchers = searchers;
        this.accesses = accesses;
    }

    private record Key(String tenant, String id, int doc) {
    }

    /** Hands every memory {@code which} accepts to {@code sink}, ordered by tenant then id; returns how many. */
    long scan(Predicate<Memory> which, Consumer<StoredMemory> sink) {
        IndexSearcher searcher = searchers.acquire();
        try {
            List<Key> keys = new ArrayList<>();
            List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
            for (LeafReaderContext leaf : leaves) {
                Bits live = leaf.reader().getLiveDocs();
                for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                    if (live == null || live.get(doc)) {
                        Memory m = Reads.decode(searcher, leaf.docBase + doc);
                        if (which.test(m)) {
                            keys.add(new Key(m.scope().tenant(), m.id(), leaf.docBase + doc));
                        }
                    }
                }
            }
            keys.sort(Comparator.comparing(Key::tenant).thenComparing(Key::id));
            for (Key k : keys) {
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(k.doc(), leaves));
                StoredMemory stored = StoredDocs.load(leaf.reader(), k.doc() - leaf.docBase);
                Memory counted = Accesses.overlay(stored.memory(), searcher, k.doc(),
                        accesses.pending(LuceneDocuments.key(k.tenant(), k.id())));
                sink.accept(new StoredMemory(counted, stored.embedding(), stored.indexText()));
            }
            return keys.size();
        } catch (IOException | AlreadyClosedException e) {
            throw index.failure("export", e);
        } finally {
            searchers.release(searcher);
        }
    }
}
