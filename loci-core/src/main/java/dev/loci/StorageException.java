package dev.loci;

/**
 * A store or data-directory failure. {@link #isRetriable()} tells transient I/O apart from
 * corruption, locking and format problems.
 */
public class StorageException extends LociException {
    private final boolean retriable;

    public StorageException(String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
    }

    public StorageException(String message, boolean retriable) {
        this(message, retriable, null);
    }

    @Override
    public boolean isRetriable() {
        return retriable;
    }
}
