package dev.loci.store.lucene;

import dev.loci.InvalidInputException;
import dev.loci.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * Online backup and restore of a data directory ({@code loci backup}, {@code loci restore}).
 *
 * <p><b>Backup</b> needs no lock and no cooperation from a process that has the store open: it
 * copies the index's last commit (Lucene never changes a file once written, so the commit's files
 * are a consistent snapshot) and then every log segment (what was acknowledged after that commit;
 * a record being appended at the moment of the copy is cut short and dropped as a torn write when
 * the copy opens, as after a crash). A checkpoint that runs meanwhile can delete the commit's
 * files or the log segments before they are copied; the backup notices (the latest commit is no
 * longer the one it copied, or a file is gone) and starts again, at most {@value #ATTEMPTS} times.
 * The copy is then verified with {@link StoreCheck}.
 *
 * <p><b>Restore</b> copies a backup into a new or empty data directory and checks the result.
 */
public final class StoreBackup {
    static final int ATTEMPTS = 20;

    /**
     * What a backup holds.
     *
     * @param files    files copied
     * @param bytes    bytes copied
     * @param attempts copies started (more than 1 when checkpoints ran meanwhile)
     * @param check    {@link StoreCheck} of the copy
     */
    public record Result(int files, long bytes, int attempts, StoreReport check) {
    }

    private StoreBackup() {
    }

    /**
     * Copies the data directory {@code dir}, open in any process or not, to {@code out}, which must
     * not exist or be empty.
     *
     * @throws InvalidInputException naming {@code dataDir} or {@code out} when unusable
     * @throws StorageException      when the copy fails, or a checkpoint ran during every attempt
     */
    public static Result backup(Path dir, Path out) {
        StoreCheck.requireDirectory(dir);
        requireEmpty(out, "out");
        if (!Files.isDirectory(dir.resolve("index"))) {
            throw new InvalidInputException("dataDir", dir + ": holds no index; is it a Loci data directory?");
        }
        try {
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                clear(out);
                Copied copied = tryCopy(dir, out);
                if (copied != null) {
                    StoreReport check = StoreCheck.check(out);
                    Files.deleteIfExists(out.resolve("loci.lock"));
                    return new Result(copied.files, copied.bytes, attempt, check);
                }
            }
            throw new StorageException("backup of " + dir + " gave up: the store committed during each of "
                    + ATTEMPTS + " attempts to copy it", true);
        } catch (IOException e) {
            throw new StorageException("backup of " + dir + " to " + out + " failed: " + e.getMessage(), true, e);
        }
    }

    /**
     * Copies the backup {@code backup} into {@code dir}, which must not exist or be empty, and checks
     * the result; the backup is verified first and a damaged one is refused.
     */
    public static StoreReport restore(Path backup, Path dir) {
        StoreCheck.requireDirectory(backup);
        requireEmpty(dir, "dataDir");
        StoreReport before = StoreCheck.check(backup);
        try {
            Files.deleteIfExists(backup.resolve("loci.lock"));
            if (!before.ok()) {
                throw new StorageException(backup + " is damaged (" + before.lines(StoreReport.Level.ERROR).getFirst()
                        + "); nothing restored", false);
            }
            Files.createDirectories(dir);
            try (Stream<Path> paths = Files.walk(backup)) {
                for (Path p : paths.toList()) {
                    Path target = dir.resolve(backup.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else if (!p.getFileName().toString().equals("loci.lock")) {
                        Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
            StoreReport after = StoreCheck.check(dir);
            Files.deleteIfExists(dir.resolve("loci.lock"));
            return after;
        } catch (IOException e) {
            throw new StorageException("restore of " + backup + " into " + dir + " failed: " + e.getMessage(), true, e);
        }
    }

    private record Copied(int files, long bytes) {
    }

    /** One attempt: the copy, or null when a checkpoint ran meanwhile. */
    private static Copied tryCopy(Path dir, Path out) throws IOException {
        Path index = dir.resolve("index");
        Path outIndex = Files.createDirectories(out.resolve("index"));
        Path outWal = Files.createDirectories(out.resolve("wal"));
        int files = 0;
        long bytes = 0;
        try (Directory source = FSDirectory.open(index)) {
            SegmentInfos commit = SegmentInfos.readLatestCommit(source);
            Collection<String> names = commit.files(true);
            for (String name : names) {
                bytes += copy(index.resolve(name), outIndex.resolve(name));
                files++;
            }
            // Only segments that exist now can hold records after the commit: those it made
            // redundant are deleted after it, never before.
            Path wal = dir.resolve("wal");
            List<Path> segments = Files.isDirectory(wal) ? WriteAheadLog.segments(wal) : List.of();
            for (Path segment : segments) {
                bytes += copy(segment, outWal.resolve(segment.getFileName()));
                files++;
            }
            if (SegmentInfos.getLastCommitGeneration(source) != commit.getGeneration()) {
                return null; // a checkpoint may have dropped log segments this copy needed
            }
        } catch (NoSuchFileException e) {
            return null; // deleted by a checkpoint between listing and copying
        }
        for (String marker : List.of("FORMAT", "EMBEDDER")) {
            if (Files.exists(dir.resolve(marker))) {
                bytes += copy(dir.resolve(marker), out.resolve(marker));
                files++;
            }
        }
        return new Copied(files, bytes);
    }

    private static long copy(Path from, Path to) throws IOException {
        try (var in = Files.newInputStream(from)) {
            return Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void requireEmpty(Path p, String field) {
        if (p == null) {
            throw new InvalidInputException(field, "is required");
        }
        if (Files.exists(p)) {
            if (!Files.isDirectory(p)) {
                throw new InvalidInputException(field, p + ": is a file; give a new or empty directory");
            }
            try (Stream<Path> entries = Files.list(p)) {
                if (entries.findAny().isPresent()) {
                    throw new InvalidInputException(field, p + ": is not empty; give a new or empty directory");
                }
            } catch (IOException e) {
                throw new StorageException("cannot read " + p + ": " + e.getMessage(), false, e);
            }
        }
    }

    private static void clear(Path out) throws IOException {
        if (!Files.exists(out)) {
            Files.createDirectories(out);
            return;
        }
        try (Stream<Path> paths = Files.walk(out)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(out)) {
                    Files.delete(p);
                }
            }
        }
    }
}
