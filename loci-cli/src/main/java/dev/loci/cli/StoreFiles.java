package dev.loci.cli;

import dev.loci.InvalidInputException;
import dev.loci.StorageException;
import dev.loci.embedded.TerminationSignals;
import dev.loci.store.lucene.LuceneMemoryStore;
import dev.loci.store.lucene.LuceneStoreConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The store of a data directory opened on its own, without the engine or the embedding model: for
 * export and import, which move stored memories (vectors included) as they are. Closed on
 * SIGTERM / Ctrl-C like every engine the commands open ({@link DataDirOption#open}).
 */
final class StoreFiles {
    /** The marker the embedded engine writes: which model made the vectors ({@code <model id> <dimensions>}). */
    static final String EMBEDDER = "EMBEDDER";

    private StoreFiles() {
    }

    /** Opens the store in an existing data directory. */
    static LuceneMemoryStore openExisting(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException("dataDir", dir + ": no such data directory");
        }
        return open(dir);
    }

    /** Opens the store, creating the data directory if needed. */
    static LuceneMemoryStore open(Path dir) {
        LuceneMemoryStore store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults());
        TerminationSignals.closeOnTermination(store);
        return store;
    }

    /** What the directory's model marker says, or null when it has none. */
    static String embedder(Path dir) {
        Path file = dir.resolve(EMBEDDER);
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).trim() : null;
        } catch (IOException e) {
            throw new StorageException("cannot read " + file + ": " + e.getMessage(), false, e);
        }
    }

    /** Records which model made the vectors, as the engine does on first open. */
    static void writeEmbedder(Path dir, String embedder) {
        Path file = dir.resolve(EMBEDDER);
        try {
            Files.writeString(file, embedder + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StorageException("cannot write " + file + ": " + e.getMessage(), true, e);
        }
    }
}
