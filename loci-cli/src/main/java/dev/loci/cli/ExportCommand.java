package dev.loci.cli;

import dev.loci.Memory;
import dev.loci.StorageException;
import dev.loci.store.lucene.LuceneMemoryStore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loci export}: every stored memory, with its versions, lifecycle, links and vector, to JSON Lines. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write every memory of a data directory (every version, lifecycle, links, vector) to a JSON "
                + "Lines file that `loci import` reads back exactly (docs/FORMATS.md).",
                "Streams: reads one snapshot of the store, holding only the memories' ids in memory."})
final class ExportCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dataDir;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "File to write (replaced if it exists).")
    Path out;

    @Option(names = "--tenant", paramLabel = "T", description = "Only this tenant's memories.")
    String tenant;

    @Option(names = "--user", paramLabel = "U", description = "Only this user's memories.")
    String user;

    @Override
    public Integer call() {
        if (Files.isDirectory(out)) {
            throw new dev.loci.InvalidInputException("out", out + ": is a directory; give a file name");
        }
        Predicate<Memory> which = m -> (tenant == null || tenant.equals(m.scope().tenant()))
                && (user == null || user.equals(m.scope().userId()));
        // Written beside the target and moved over it at the end: a failed export leaves no file
        // that looks complete (the closing line would be missing anyway).
        Path part = out.resolveSibling(out.getFileName() + ".part");
        long n;
        try (LuceneMemoryStore store = StoreFiles.openExisting(dataDir.path);
             BufferedWriter w = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
            int dims = Integer.parseInt(store.stats().details().getOrDefault("vectorDimensions", "0"));
            w.write(ExportFile.header(new ExportFile.Header(StoreFiles.embedder(dataDir.path), dims)));
            w.newLine();
            n = store.scan(which, m -> {
                try {
                    w.write(ExportFile.line(m));
                    w.newLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            w.write(ExportFile.trailer(n));
            w.newLine();
        } catch (IOException | UncheckedIOException e) {
            deleteQuietly(part);
            throw new StorageException("cannot write " + out + ": " + e.getMessage(), true, e);
        } catch (RuntimeException e) {
            deleteQuietly(part);
            throw e;
        }
        try {
            Files.move(part, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StorageException("cannot write " + out + ": " + e.getMessage(), true, e);
        }
        System.err.println("loci export: " + n + " memories" + (tenant == null ? "" : " of tenant " + tenant)
                + (user == null ? "" : " of user " + user) + " written to " + out);
        return 0;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the error being reported matters more
        }
    }
}
