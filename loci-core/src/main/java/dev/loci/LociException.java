package dev.loci;

/**
 * Root of every exception Loci throws. Unchecked; subclasses say whether retrying can help.
 */
public class LociException extends RuntimeException {
    public LociException(String message) {
        super(message);
    }

    public LociException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether the same call may succeed if retried later (I/O hiccup, lock held briefly). */
    public boolean isRetriable() {
        return false;
    }
}
