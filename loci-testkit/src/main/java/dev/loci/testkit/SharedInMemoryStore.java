package dev.loci.testkit;

import dev.loci.spi.ConditionalWrite;
import dev.loci.spi.RecordVersion;
import dev.loci.spi.SharedStore;
import dev.loci.spi.StoredMemory;
import dev.loci.spi.VersionedMemory;
import dev.loci.spi.WriteConflictException;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link InMemoryStore} as several Loci processes would share it ({@link SharedStore}): engines
 * built over one instance each keep their own state, as two servers over one cluster do, and tests
 * can interleave their calls step by step. The version of a record is the sequence number of its
 * last write (term 0). Thread-safe (synchronized, on the same monitor as every other call).
 */
public final class SharedInMemoryStore extends InMemoryStore implements SharedStore {
    @Override
    public synchronized Set<String> create(List<StoredMemory> batch) {
        Set<String> taken = new HashSet<>();
        for (StoredMemory m : batch) {
            String key = key(m.memory().scope().tenant(), m.memory().id());
            if (entry(key) != null) {
                taken.add(m.memory().id());
            } else {
                put(key, m);
            }
        }
        return taken;
    }

    @Override
    public synchronized Map<String, VersionedMemory> readVersioned(String tenant, Collection<String> ids) {
        Map<String, VersionedMemory> out = new LinkedHashMap<>();
        for (String id : ids) {
            var e = entry(key(tenant, id));
            if (e != null) {
                out.put(id, new VersionedMemory(e.getKey().memory(), new RecordVersion(e.getValue(), 0)));
            }
        }
        return out;
    }

    @Override
    public synchronized void writeIf(List<ConditionalWrite> batch) {
        Set<String> conflicts = new LinkedHashSet<>();
        for (ConditionalWrite w : batch) {
            String key = key(w.record().memory().scope().tenant(), w.record().memory().id());
            var e = entry(key);
            boolean unchanged = w.expected().none() ? e == null
                    : e != null && w.expected().equals(new RecordVersion(e.getValue(), 0));
            if (unchanged) {
                put(key, w.record());
            } else {
                conflicts.add(w.record().memory().id());
            }
        }
        if (!conflicts.isEmpty()) {
            throw new WriteConflictException(conflicts);
        }
    }
}
