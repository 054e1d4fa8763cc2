package dev.loci.internal.util;

/** Importance that ingest and the hierarchy give to what they write. Constants only. */
public final class Importance {
    /**
     * Importance of raw turns, episodes, sessions and topics until consolidation or the caller
     * says otherwise.
     */
    public static final double DEFAULT = 0.5;

    private Importance() {
    }
}
