package dev.loci.store.lucene;

import dev.loci.Memory;
import dev.loci.StorageException;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryCodec;
import dev.loci.spi.StoredMemory;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;

/**
 * Reads a whole stored memory back out of one index document: the record, its vector and the text
 * BM25 indexed, as {@link Writes} put them in. Export, backup checks and repair read through here;
 * ordinary reads need only the record ({@link Reads}).
 *
 * <p>Stateless.
 */
final class StoredDocs {
    private StoredDocs() {
    }

    /**
     * The memory in document {@code doc} of {@code leaf} (leaf-local id), its vector and index text.
     * A document stored before the index text was kept gets the memory's own words (its speaker
     * and text), which is what BM25 indexed for it less any context keys.
     *
     * @throws StorageException when the record does not decode or the vector is missing
     */
    static StoredMemory load(LeafReader leaf, int doc) throws IOException {
        Document d = leaf.storedFields().document(doc, Set.of(LuceneDocuments.RECORD, LuceneDocuments.INDEX_TEXT));
        var bytes = d.getBinaryValue(LuceneDocuments.RECORD);
        if (bytes == null) {
            throw new StorageException("document " + doc + " has no stored record", false);
        }
        Memory m = MemoryCodec.decode(Arrays.copyOfRange(bytes.bytes, bytes.offset, bytes.offset + bytes.length));
        String indexText = d.get(LuceneDocuments.INDEX_TEXT);
        if (indexText == null) {
            indexText = m.speaker() == null ? m.text() : m.speaker() + " " + m.text();
        }
        return new StoredMemory(m, vector(leaf, doc, m.id()), indexText);
    }

    static Embedding vector(LeafReader leaf, int doc, String id) throws IOException {
        FloatVectorValues values = leaf.getFloatVectorValues(LuceneDocuments.VECTOR);
        if (values == null) {
            throw new StorageException("document of " + id + " has no vector", false);
        }
        KnnVectorValues.DocIndexIterator it = values.iterator();
        if (it.advance(doc) != doc) {
            throw new StorageException("document of " + id + " has no vector", false);
        }
        return Embedding.of(values.vectorValue(it.index()));
    }
}
