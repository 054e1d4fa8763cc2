package dev.loci;

/** The data directory was written in a format this release cannot read or migrate. */
public final class FormatVersionException extends StorageException {
    public FormatVersionException(String message) {
        super(message, false);
    }
}
