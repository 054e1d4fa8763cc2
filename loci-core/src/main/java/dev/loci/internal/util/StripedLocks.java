package dev.loci.internal.util;

import dev.loci.Memory;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed array of locks addressed by hashing a key. A caller locks every stripe its keys fall
 * into, always in ascending order, so two callers can never deadlock.
 */
public final class StripedLocks {
    private final ReentrantLock[] locks;

    public StripedLocks(int stripes) {
        locks = new ReentrantLock[stripes];
        for (int i = 0; i < stripes; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** Sorted, distinct stripes of the memories that carry a client id. */
    public int[] stripesOf(String tenant, List<Memory> memories) {
        var set = new TreeSet<Integer>();
        for (Memory m : memories) {
            if (m.clientId() != null) {
                set.add(Math.floorMod((tenant + '\u0000' + m.id()).hashCode(), locks.length));
            }
        }
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    public void lock(int[] stripes) {
        for (int s : stripes) {
            locks[s].lock();
        }
    }

    public void unlock(int[] stripes) {
        for (int i = stripes.length - 1; i >= 0; i--) {
            locks[stripes[i]].unlock();
        }
    }
}
