package dev.loci.spi;

import java.util.Objects;

/**
 * One record of a {@link SharedStore#writeIf} batch: written only if the stored record with its
 * id is still at {@code expected} (as {@link SharedStore#readVersioned} gave it), or, when
 * {@code expected} is {@link RecordVersion#NONE}, only if there is none.
 */
public record ConditionalWrite(StoredMemory record, RecordVersion expected) {
    public ConditionalWrite {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(expected, "expected");
    }

    /** The record of this id, read as {@code read} (null: there was none). */
    public static ConditionalWrite over(StoredMemory record, VersionedMemory read) {
        return new ConditionalWrite(record, read == null ? RecordVersion.NONE : read.version());
    }
}
