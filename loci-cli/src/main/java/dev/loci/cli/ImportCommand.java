package dev.loci.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loci.InvalidInputException;
import dev.loci.embedded.EmbeddedOptions;
import dev.loci.engine.LociEngine;
import dev.loci.spi.Embedding;
import dev.loci.spi.StoredMemory;
import dev.loci.store.lucene.LuceneMemoryStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code loci import}: a {@code loci export} file back into a data directory, exactly, or a Mem0
 * export as memories a default recall returns ({@link Mem0File}). The whole file is checked before anything is written.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Read memories into a data directory (created if missing): a `loci export` file exactly as "
                + "exported (vectors included, no model needed), or with --format mem0 a Mem0 export, each Mem0 memory "
                + "becoming a CHUNK (embedded with the local model) that recall and context return without --kind. "
                + "See docs/FORMATS.md.",
                "The whole file is checked before anything is written; a memory whose id is already stored replaces it."})
final class ImportCommand implements Callable<Integer> {
    /** Memories per store write. */
    private static final int BATCH = 256;

    /** The formats import reads. */
    enum Format { loci, mem0 }

    @Mixin
    DataDirOption dataDir;

    @Option(names = "--format", defaultValue = "loci", paramLabel = "F",
            description = "loci (default: a `loci export` file) or mem0.")
    Format format;

    @Option(names = "--tenant", paramLabel = "T",
            description = "With --format mem0 (required): the tenant the memories go to (Mem0 has none).")
    String tenant;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to import.")
    Path file;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(file)) {
            throw new InputFileException(file, null, Files.isDirectory(file) ? "is a directory" : "no such file");
        }
        if (format == Format.mem0 && tenant == null) {
            throw new InvalidInputException("scope.tenant", "is required with --format mem0 (Mem0 exports have no tenants)");
        }
        if (format == Format.loci && tenant != null) {
            throw new InvalidInputException("scope.tenant", "is taken from the file with --format loci; give it only "
                    + "with --format mem0");
        }
        return format == Format.loci ? importExport() : importMem0();
    }

    private int importExport() {
        // Pass 1 checks every line; pass 2 writes. Nothing is written from a file with an error.
        ExportFile.Header header = readExport(m -> { });
        String stored = StoreFiles.embedder(dataDir.path);
        if (stored != null && header.embedder() != null && !stored.equals(header.embedder())) {
            throw new InputFileException(file, "1", "embedder: the file's vectors were made by '" + header.embedder()
                    + "' but " + dataDir.path + " holds vectors of '" + stored + "'; import into a new data directory");
        }
        var written = new long[2];
        try (LuceneMemoryStore store = StoreFiles.open(dataDir.path)) {
            List<StoredMemory> batch = new ArrayList<>();
            readExport(m -> {
                batch.add(m);
                if (batch.size() >= BATCH) {
                    write(store, batch, written);
                }
            });
            write(store, batch, written);
        }
        if (stored == null && header.embedder() != null) {
            StoreFiles.writeEmbedder(dataDir.path, header.embedder());
        }
        report(written);
        return 0;
    }

    private int importMem0() {
        List<Mem0File.Item> items = Mem0File.read(file, tenant);
        List<Embedding> vectors = new ArrayList<>(items.size());
        // The engine is opened for its model (and to record which model the directory's vectors
        // come from), then closed, so the memories can be written as they are.
        try (LociEngine engine = DataDirOption.open(dataDir.path,
                EmbeddedOptions.defaults().withCreateIfMissing(true).withPreloadModel(true))) {
            for (int i = 0; i < items.size(); i += BATCH) {
                List<String> texts = items.subList(i, Math.min(items.size(), i + BATCH)).stream()
                        .map(it -> it.memory().text()).toList();
                vectors.addAll(engine.embedder().embedDocuments(texts));
            }
        }
        var written = new long[2];
        try (LuceneMemoryStore store = StoreFiles.open(dataDir.path)) {
            List<StoredMemory> batch = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                batch.add(new StoredMemory(items.get(i).memory(), vectors.get(i), items.get(i).memory().text()));
                if (batch.size() >= BATCH) {
                    write(store, batch, written);
                }
            }
            write(store, batch, written);
        }
        report(written);
        return 0;
    }

    private void report(long[] written) {
        System.err.println("loci import: " + written[0] + " memories imported into " + dataDir.path
                + (written[1] > 0 ? " (" + written[1] + " replaced memories with the same id)" : ""));
    }

    private static void write(LuceneMemoryStore store, List<StoredMemory> batch, long[] written) {
        if (batch.isEmpty()) {
            return;
        }
        Map<String, List<String>> idsByTenant = new HashMap<>();
        batch.forEach(m -> idsByTenant.computeIfAbsent(m.memory().scope().tenant(), t -> new ArrayList<>())
                .add(m.memory().id()));
        idsByTenant.forEach((t, ids) -> written[1] += store.existing(t, ids).size());
        store.write(List.copyOf(batch));
        written[0] += batch.size();
        batch.clear();
    }

    /** Reads the whole export file, checking every line, handing each memory to {@code sink}. */
    private ExportFile.Header readExport(Consumer<StoredMemory> sink) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ExportFile.Header header = null;
        long count = 0;
        long trailer = -1;
        Map<String, Integer> firstLine = new LinkedHashMap<>();
        int line = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
            for (String text = r.readLine(); text != null; text = r.readLine()) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                if (trailer >= 0) {
                    throw new InputFileException(file, Integer.toString(line), "text after the closing line");
                }
                JsonNode n = ExportFile.parse(file, line, line == 1 && text.startsWith("\uFEFF") ? text.substring(1) : text);
                if (header == null) {
                    header = ExportFile.readHeader(file, n);
                    continue;
                }
                trailer = ExportFile.trailerCount(n);
                if (trailer >= 0) {
                    if (trailer != count) {
                        throw new InputFileException(file, Integer.toString(line), "memories: the closing line says "
                                + trailer + " but the file holds " + count);
                    }
                    continue;
                }
                StoredMemory m = ExportFile.readMemory(file, line, n, header);
                Integer before = firstLine.put(m.memory().scope().tenant() + '\u0000' + m.memory().id(), line);
                if (before != null) {
                    throw new InputFileException(file, Integer.toString(line), "memory " + m.memory().id() + " of tenant "
                            + m.memory().scope().tenant() + " is already on line " + before);
                }
                count++;
                sink.accept(m);
            }
        } catch (CharacterCodingException e) {
            throw new InputFileException(file, Integer.toString(line + 1), "not UTF-8");
        } catch (IOException e) {
            throw new InputFileException(file, null, "cannot read: " + e.getMessage());
        }
        if (header == null) {
            throw new InputFileException(file, null, "is empty: no header line");
        }
        if (trailer < 0) {
            throw new InputFileException(file, Integer.toString(line), "ends without its closing line: the export was "
                    + "cut short after " + count + " memories; nothing imported");
        }
        return header;
    }
}
