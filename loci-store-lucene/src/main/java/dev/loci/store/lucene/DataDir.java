package dev.loci.store.lucene;

import dev.loci.DataDirLockedException;
import dev.loci.FormatVersionException;
import dev.loci.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * The data directory: an exclusive process lock ({@code loci.lock}) and a format marker
 * ({@code FORMAT}: magic line plus version) so later releases can recognise and migrate it.
 * Layout: {@code index/} (Lucene), {@code wal/} (write-ahead log segments).
 */
final class DataDir implements AutoCloseable {
    static final String FORMAT_MAGIC = "loci-data-dir";
    static final int FORMAT_VERSION = 1;

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDir(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static DataDir open(Path root) {
        return open(root, true);
    }

    /**
     * Locks an existing directory without checking or writing its format marker: for
     * {@link StoreCheck} and {@link StoreRepair}, which report a missing or wrong marker themselves.
     */
    static DataDir lockExisting(Path root) {
        return open(root, false);
    }

    private static DataDir open(Path root, boolean checkFormat) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new StorageException("cannot create data directory " + root + ": " + e.getMessage(), false, e);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(root.resolve("loci.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new DataDirLockedException(root, null);
            }
            var dir = new DataDir(root, channel, lock);
            if (checkFormat) {
                dir.checkFormat();
            }
            return dir;
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new DataDirLockedException(root, e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageException("cannot lock data directory " + root + ": " + e.getMessage(), true, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private void checkFormat() throws IOException {
        Path format = root.resolve("FORMAT");
        String expected = FORMAT_MAGIC + " " + FORMAT_VERSION + "\n";
        if (Files.exists(format)) {
            String found = Files.readString(format, StandardCharsets.UTF_8);
            String[] parts = found.trim().split(" ");
            if (parts.length != 2 || !parts[0].equals(FORMAT_MAGIC)) {
                throw new FormatVersionException(root + " is not a Loci data directory (FORMAT file reads '"
                        + found.trim() + "')");
            }
            if (!parts[1].equals(Integer.toString(FORMAT_VERSION))) {
                throw new FormatVersionException(root + " has data format version " + parts[1]
                        + "; this release reads version " + FORMAT_VERSION);
            }
            return;
        }
        try (Stream<Path> entries = Files.list(root)) {
            boolean foreign = entries.map(p -> p.getFileName().toString())
                    .anyMatch(n -> !n.equals("loci.lock") && !n.equals("index") && !n.equals("wal"));
            if (foreign) {
                throw new FormatVersionException(root + " holds files but no FORMAT marker; refusing to use it as a"
                        + " Loci data directory (choose an empty or new directory)");
            }
        }
        Path tmp = root.resolve("FORMAT.tmp");
        Files.writeString(tmp, expected, StandardCharsets.UTF_8);
        try (var ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, format, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    Path root() {
        return root;
    }

    Path index() {
        return root.resolve("index");
    }

    Path wal() {
        return root.resolve("wal");
    }

    long diskBytes() {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // a file removed by a merge while we counted
                }
            }).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel close below releases it as well
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing more to do while failing already
            }
        }
    }
}
