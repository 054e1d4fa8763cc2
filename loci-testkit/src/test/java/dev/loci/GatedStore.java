package dev.loci;

import dev.loci.spi.StoredMemory;
import dev.loci.testkit.ForwardingStore;
import dev.loci.testkit.InMemoryStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory store whose writes of level-2 memories (SESSION, TOPIC) can be held at a gate or
 * made to fail, and which records the thread of each such write: to see the background builder
 * at work, stall it, and break it; and which signals when a given thread's write is done, so a
 * test knows another thread got past its last store call before it blocks. Thread-safe.
 */
final class GatedStore extends ForwardingStore {
    final InMemoryStore delegate;
    /** Threads that wrote level-2 memories, one entry per write. */
    final List<String> levelTwoWriters = new CopyOnWriteArrayList<>();
    /** Counted down when a level-2 write reaches a closed gate. */
    final CountDownLatch held = new CountDownLatch(1);
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final Map<String, CountDownLatch> writesBy = new ConcurrentHashMap<>();
    private volatile boolean failing;

    GatedStore() {
        this(new InMemoryStore());
    }

    private GatedStore(InMemoryStore delegate) {
        super(delegate);
        this.delegate = delegate;
    }

    /** Level-2 writes wait from now until {@link #release()}. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void release() {
        gate.countDown();
    }

    /** A latch counted down each time a write by the thread named so has been done. */
    CountDownLatch writesBy(String threadName, int writes) {
        var latch = new CountDownLatch(writes);
        writesBy.put(threadName, latch);
        return latch;
    }

    /** Level-2 writes throw from now on (true) or succeed again (false). */
    void failLevelTwo(boolean fail) {
        failing = fail;
    }

    @Override
    public void write(List<StoredMemory> batch) {
        if (batch.stream().anyMatch(m -> m.memory().level() == 2)) {
            if (failing) {
                throw new StorageException("level-2 write failed on purpose", true);
            }
            levelTwoWriters.add(Thread.currentThread().getName());
            held.countDown();
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException("interrupted at the gate", true);
            }
        }
        super.write(batch);
        CountDownLatch watched = writesBy.get(Thread.currentThread().getName());
        if (watched != null) {
            watched.countDown();
        }
    }

    @Override
    public void close() {
        // the delegate holds nothing to release; tests read it after the engine is closed
    }
}
