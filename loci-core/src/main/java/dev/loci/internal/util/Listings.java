package dev.loci.internal.util;

import dev.loci.InvalidInputException;
import dev.loci.Memory;
import dev.loci.spi.ListPosition;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.NewestFirstListing;
import dev.loci.spi.SearchFilter;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Listing pages newest first: the cursor a page hands out (an opaque form of the
 * {@link ListPosition} of its last memory) and the read from the store, through its
 * {@link NewestFirstListing} when it has it. Stateless; thread-safe.
 */
public final class Listings {
    /** Cursor format version, first field of every cursor. */
    private static final String VERSION = "1";

    private Listings() {
    }

    /** The cursor that continues after {@code last}. */
    public static String cursor(Memory last) {
        Instant t = last.occurredAt();
        String plain = VERSION + ":" + t.getEpochSecond() + ":" + t.getNano() + ":" + last.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** The position a cursor names. */
    public static ListPosition position(String cursor) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            String[] parts = plain.split(":", 4);
            if (parts.length == 4 && parts[0].equals(VERSION) && !parts[3].isEmpty()) {
                Instant t = Instant.ofEpochSecond(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
                return new ListPosition(t, parts[3]);
            }
        } catch (IllegalArgumentException | DateTimeException e) {
            // not one of ours: said below
        }
        throw new InvalidInputException("cursor", "is not a cursor a listing returned (pass a page's nextCursor "
                + "as it is)");
    }

    /** Up to {@code limit} memories the filter matches after {@code after}, newest first. */
    public static List<Memory> newestFirst(MemoryStore store, SearchFilter filter, ListPosition after, int limit) {
        if (store instanceof NewestFirstListing listing) {
            return listing.listNewestFirst(filter, after, limit);
        }
        return store.list(filter, Integer.MAX_VALUE).stream()
                .filter(m -> after == null || after.isBefore(m))
                .sorted(ListPosition.NEWEST_FIRST).limit(limit).toList();
    }
}
