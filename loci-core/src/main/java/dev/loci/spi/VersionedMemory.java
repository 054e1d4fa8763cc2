package dev.loci.spi;

import dev.loci.Memory;
import java.util.Objects;

/**
 * A memory as a {@link SharedStore} holds it now, with the version a conditional write of it
 * expects ({@link SharedStore#readVersioned}).
 */
public record VersionedMemory(Memory memory, RecordVersion version) {
    public VersionedMemory {
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(version, "version");
        if (version.none()) {
            throw new IllegalArgumentException("a stored memory has a version, not NONE");
        }
    }
}
