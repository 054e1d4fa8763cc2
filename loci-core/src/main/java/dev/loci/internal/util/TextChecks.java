package dev.loci.internal.util;

/** Checks on text handed to Loci, shared by ingest and update. Stateless. */
public final class TextChecks {
    private TextChecks() {
    }

    /** Index of the first unpaired surrogate in {@code s}, or -1. */
    public static int unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return i;
            }
            if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
