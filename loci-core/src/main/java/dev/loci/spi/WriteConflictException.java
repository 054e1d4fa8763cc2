package dev.loci.spi;

import dev.loci.StorageException;
import java.util.Set;

/**
 * A conditional write ({@link SharedStore#writeIf}) found records changed since they were read:
 * another writer (another Loci process, or another thread) got there first. Retriable: read the
 * records again, redo what was derived from them, and write again. {@link #ids()} names the
 * records that were not written; the rest of the batch was.
 */
public class WriteConflictException extends StorageException {
    private final Set<String> ids;

    public WriteConflictException(Set<String> ids) {
        super("memories changed since they were read, not written: " + ids, true);
        this.ids = Set.copyOf(ids);
    }

    /** The memories not written because the stored ones changed (or appeared, or went) since they were read. */
    public Set<String> ids() {
        return ids;
    }
}
