package dev.loci.testkit;

import dev.loci.Kind;
import dev.loci.spi.ConditionalWrite;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SharedStore;
import dev.loci.spi.StoredMemory;
import java.util.List;

/**
 * One server's view of a shared store that stops before its first write of a memory of a given
 * kind and lets another server run to the end first: the interleaving of two servers made
 * deterministic, for tests of conditional rewrites.
 *
 * @param <S> the store the servers share
 */
public class PausingSharedStore<S extends MemoryStore & SharedStore> extends ForwardingSharedStore<S> {
    private final Kind kind;
    private final Runnable other;
    /** Whether the other server has run. */
    public volatile boolean paused;

    /**
     * @param shared the store both servers write
     * @param kind   the kind of memory whose first write makes this server wait
     * @param other  the other server's whole call, run at that moment
     */
    public PausingSharedStore(S shared, Kind kind, Runnable other) {
        super(shared);
        this.kind = kind;
        this.other = other;
    }

    private void maybePause(List<StoredMemory> batch) {
        if (!paused && batch.stream().anyMatch(r -> r.memory().kind() == kind)) {
            paused = true;
            other.run();
        }
    }

    @Override
    public void write(List<StoredMemory> batch) {
        maybePause(batch);
        super.write(batch);
    }

    @Override
    public void writeIf(List<ConditionalWrite> batch) {
        maybePause(batch.stream().map(ConditionalWrite::record).toList());
        super.writeIf(batch);
    }
}
