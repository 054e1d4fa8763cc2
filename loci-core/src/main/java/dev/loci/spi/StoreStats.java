package dev.loci.spi;

import java.util.Map;

/**
 * Size of a store.
 *
 * @param memories     live memories across all tenants
 * @param diskBytes    bytes the store occupies on disk (0 for in-memory stores)
 * @param details      store-specific figures (format version, segments, ...), for display
 */
public record StoreStats(long memories, long diskBytes, Map<String, String> details) {
    public StoreStats {
        details = Map.copyOf(details);
    }
}
