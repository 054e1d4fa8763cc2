package dev.loci.store.lucene;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Test helper: a data directory as a crash would leave it, for tests that reopen it. */
final class CrashCopy {
    private CrashCopy() {
    }

    /**
     * Copies the open store's data directory {@code from} to {@code to} without its lock files:
     * what {@code kill -9} would leave (the last commit plus the log), openable while the original
     * is still open.
     */
    static void copyAsAfterACrash(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                String name = p.getFileName().toString();
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!name.equals("loci.lock") && !name.equals("write.lock")) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
