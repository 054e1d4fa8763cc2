package dev.loci;

import java.nio.file.Path;

/** Another process (or another open instance) already holds the data directory. */
public final class DataDirLockedException extends StorageException {
    public DataDirLockedException(Path dataDir, Throwable cause) {
        super("data directory " + dataDir + " is in use by another Loci instance or process;"
                + " close it first (only one process may open a data directory)", false, cause);
    }
}
