package dev.loci.internal.util;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The wait between two attempts of a write another process may have raced: a random moment up to a
 * bound that doubles with each attempt (5 ms, 10 ms, ...), at most {@code maxMillis}, so two
 * servers that met once do not meet again in step. Stateless.
 */
public final class Backoff {
    private Backoff() {
    }

    /** Waits before attempt {@code attempt + 1}. False if the thread was interrupted (the flag is kept). */
    public static boolean pause(int attempt, long maxMillis) {
        long bound = Math.min(maxMillis, 5L << Math.min(attempt, 40));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, bound + 1));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
