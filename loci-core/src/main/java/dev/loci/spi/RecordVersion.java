package dev.loci.spi;

/**
 * The version of one stored record as a {@link SharedStore} sees it: what a conditional write
 * ({@link SharedStore#writeIf}) compares with the stored one. Opaque to the engine, which only
 * hands back what it read: a store fills it from its own concurrency control (Elasticsearch, the
 * sequence number and primary term of the document; a store with one counter, that counter and
 * term 0). Every write or delete of a record gives it a version it never had before.
 *
 * @param sequence the store's sequence number of the record's last write, 0 or more
 * @param term     the store's term of that write (0 for a store without terms)
 */
public record RecordVersion(long sequence, long term) {
    /** Expected by a conditional write that creates: the record must not exist. */
    public static final RecordVersion NONE = new RecordVersion(-1, -1);

    public RecordVersion {
        if ((sequence < 0 || term < 0) && !(sequence == -1 && term == -1)) {
            throw new IllegalArgumentException("a record version is two numbers of 0 or more, got " + sequence
                    + "/" + term);
        }
    }

    /** Whether this stands for "no record" ({@link #NONE}). */
    public boolean none() {
        return sequence < 0;
    }
}
