package dev.loci.embedded;

import dev.loci.engine.LociEngine;
import dev.loci.DataDirLockedException;
import dev.loci.FormatVersionException;
import dev.loci.InvalidInputException;
import dev.loci.StorageException;
import dev.loci.spi.Embedder;
import dev.loci.spi.MemoryStore;
import dev.loci.store.elasticsearch.ElasticsearchMemoryStore;
import dev.loci.store.lucene.LuceneMemoryStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Opens Loci on the embedded defaults: a local ONNX embedding model (no network, no API key)
 * and a durable Lucene store in one data directory; or, when the options name a cluster
 * ({@link EmbeddedOptions#withElasticsearch}), the same engine over an Elasticsearch index that
 * several Loci processes share.
 *
 * <pre>{@code
 * try (Loci loci = EmbeddedLoci.open(Path.of("memory"))) {
 *     loci.remember(Scope.user("acme", "maya"), List.of(Message.of("Maya", "I adopted a dog", null)));
 * }
 * }</pre>
 *
 * <p>The data directory (or the Elasticsearch index) records which embedding model wrote it
 * ({@code EMBEDDER}); opening it with another model fails instead of mixing incompatible vectors. The model itself is loaded on
 * the first call that embeds (remember, recall, context, update), so opening to read, count or
 * delete is quick.
 */
public final class EmbeddedLoci {
    static final String EMBEDDER_FILE = "EMBEDDER";

    private EmbeddedLoci() {
    }

    /** Opens (creating if needed) Loci in {@code dataDir} with the default settings. */
    public static LociEngine open(Path dataDir) {
        return open(dataDir, EmbeddedOptions.defaults());
    }

    /**
     * Opens Loci in {@code dataDir}, creating the directory if it is missing and
     * {@link EmbeddedOptions#createIfMissing()} allows. The one place where the embedded engine is
     * assembled from options: every tool (command line, server, evaluation) opens through here.
     * Close it to release the directory.
     *
     * @throws InvalidInputException naming {@code dataDir} when it is a file, or missing while it may
     *                               not be created
     * @throws DataDirLockedException when another process holds the directory
     */
    public static LociEngine open(Path dataDir, EmbeddedOptions options) {
        return open(dataDir, options, UnaryOperator.identity());
    }

    /**
     * Opens Loci as {@link #open(Path, EmbeddedOptions)} does, with the local model wrapped by
     * {@code decorator} (e.g. the server's batching of concurrent calls). The decorator must keep the
     * model's id and dimensions, and owns the model: closing what it returns closes the model.
     */
    public static LociEngine open(Path dataDir, EmbeddedOptions options, UnaryOperator<Embedder> decorator) {
        if (decorator == null) {
            throw new InvalidInputException("decorator", "is required (UnaryOperator.identity() for none)");
        }
        if (dataDir == null) {
            throw new InvalidInputException("dataDir", "is required");
        }
        boolean local = options.cluster().isEmpty();
        if (local && Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw new InvalidInputException("dataDir", dataDir + ": is a file, not a data directory");
        }
        if (local && !options.createIfMissing() && !Files.isDirectory(dataDir)) {
            throw new InvalidInputException("dataDir", dataDir + ": no such data directory");
        }
        // The model is loaded on the first embed (reading and deleting need none), or from now on in
        // the background, while the index opens, when the caller says it will embed. A cluster is
        // reached first: when none answers, that is said at once, not after the model has loaded.
        LazyEmbedder model = new LazyEmbedder(options.embedder());
        MemoryStore store = local ? null : ElasticsearchMemoryStore.open(options.cluster().get());
        if (options.preloadModel()) {
            model.preload();
        }
        Embedder embedder = model;
        if (local) {
            try {
                store = LuceneMemoryStore.open(dataDir, options.store());
            } catch (RuntimeException e) {
                embedder.close();
                throw e;
            }
        }
        try {
            embedder = decorator.apply(model);
            if (store instanceof ElasticsearchMemoryStore cluster) {
                cluster.checkEmbedder(embedder.modelId() + " " + embedder.dimensions());
            } else {
                checkModel(dataDir, embedder);
            }
            return LociEngine.builder().store(store).embedder(embedder).config(options.loci())
                    .tokenCounter(JtokkitTokenCounter.lazy(options.tokens())).build();
        } catch (RuntimeException e) {
            embedder.close();
            store.close();
            throw e;
        }
    }

    private static void checkModel(Path dataDir, Embedder embedder) {
        Path file = dataDir.resolve(EMBEDDER_FILE);
        String expected = embedder.modelId() + " " + embedder.dimensions();
        try {
            if (Files.exists(file)) {
                String found = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!found.equals(expected)) {
                    throw new FormatVersionException(dataDir + " was written with embedding model '" + found
                            + "' but is being opened with '" + expected + "'; use the same model or a new data directory");
                }
            } else {
                Files.writeString(file, expected + "\n", StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new StorageException("cannot read or write " + file + ": " + e.getMessage(), true, e);
        }
    }
}
