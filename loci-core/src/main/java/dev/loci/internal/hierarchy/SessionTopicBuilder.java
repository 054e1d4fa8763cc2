package dev.loci.internal.hierarchy;

import dev.loci.ConsolidationConfig;
import dev.loci.Memory;
import dev.loci.internal.util.WriteConflicts;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.StoredMemory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds level 2 ({@link SessionTopicNodes}: sessions and topics) in the background, as episodes arrive.
 *
 * <p>Ingest hands over the episodes of each remember call, with the vectors it gave them, once
 * they are durable ({@link #submit}). They wait in a bounded queue for one background thread,
 * which takes everything queued at once and updates each session and user once for all of it
 * (coalescing), so a busy session costs one node write per round, not one per call.
 *
 * <p><b>Backpressure.</b> When the queue is full, the calling thread builds its own episodes'
 * level 2 before its remember returns. Ingest slows to what consolidation sustains, memory stays
 * bounded, and nothing acknowledged is dropped or waits forever.
 *
 * <p><b>Failures and shutdown.</b> A failure while building level 2 never fails a remember (the
 * turns and episodes are durable already): it is logged and the scopes involved are reloaded from
 * the store when their next episode arrives, which catches up with every episode the nodes miss.
 * {@link #close()} lets the thread finish what is queued, waiting at most {@link #CLOSE_WAIT}; work
 * it could not finish, or that was queued when the process died, is caught up the same way. A
 * session seen for the first time is checked for such missed episodes once the queue has been
 * idle for {@link #IDLE}.
 *
 * <p>Thread-safe.
 */
public final class SessionTopicBuilder implements AutoCloseable {
    /** Longest {@link #close()} waits for the queue to drain. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
    /**
     * How long the queue stays empty before new sessions are checked for episodes they miss (a
     * check lists the store, which makes it refresh; bulk imports are not idle that long).
     */
    static final Duration IDLE = Duration.ofMillis(500);
    /** How long a round waits for more remember calls after its first one. */
    static final Duration LINGER = Duration.ofMillis(200);
    /** Most remember calls' episodes handled in one round. */
    static final int MAX_ROUND = 256;
    private static final System.Logger LOG = System.getLogger(SessionTopicBuilder.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Put on the queue by {@link #close()} so an idle worker wakes at once instead of after {@link #IDLE}. */
    private static final SessionTopicNodes.Written WAKE = new SessionTopicNodes.Written(List.of(), 0);

    private final SessionTopicNodes levels;
    private final BlockingQueue<SessionTopicNodes.Written> queue;
    private final Thread worker;
    private final Object idle = new Object();
    /** Calls submitted to the queue and not yet handled (guarded by {@link #idle}). */
    private long pending;
    private volatile boolean stopping;

    /** Starts the background thread. */
    public SessionTopicBuilder(ConsolidationConfig config, MemoryStore store, Clock clock) {
        this(config, store, clock, new WriteConflicts());
    }

    /** Starts the background thread; {@code conflicts} counts the node writes other processes made fail. */
    public SessionTopicBuilder(ConsolidationConfig config, MemoryStore store, Clock clock, WriteConflicts conflicts) {
        this.levels = new SessionTopicNodes(store, clock, config.topicThreshold(), conflicts);
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.worker = Thread.ofPlatform().name("loci-consolidator-" + THREADS.incrementAndGet()).daemon()
                .unstarted(this::run);
        worker.start();
    }

    /** Read before writing episodes, and handed to {@link #submit} with them. */
    /** Calls waiting in the queue for the background thread now. */
    public int queued() {
        return queue.size();
    }

    public long forgets() {
        return levels.forgets();
    }

    /**
     * Queues the episodes of one remember call, written already; builds their level 2 on the
     * calling thread instead when the queue is full or closed.
     *
     * @param forgets {@link #forgets()} as read before the episodes were written
     */
    public void submit(List<StoredMemory> episodes, long forgets) {
        if (episodes.isEmpty()) {
            return;
        }
        var written = new SessionTopicNodes.Written(List.copyOf(episodes), forgets);
        if (!stopping) {
            synchronized (idle) {
                pending++;
            }
            if (queue.offer(written)) {
                return;
            }
            done(1);
            LOG.log(System.Logger.Level.DEBUG, "the level-2 queue is full; this remember call builds its own"
                    + " sessions and topics");
        }
        build(List.of(written));
    }

    /**
     * After a forget, on the calling thread: rebuilds or removes every session and topic node
     * that holds one of the {@code changed} episodes (deleted, removed or rebuilt), and forgets
     * what it keeps in memory about deleted sessions and topics. Returns how many nodes it
     * rewrote or deleted.
     */
    public int repair(Collection<Memory> changed) {
        return levels.repair(changed);
    }

    /**
     * Waits until everything submitted before the call has been built, then checks the new
     * sessions at once instead of when the builder is next idle; false if the timeout passed first.
     */
    public boolean await(Duration timeout) throws InterruptedException {
        long left = timeout.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE : timeout.toNanos();
        synchronized (idle) {
            while (pending > 0) {
                if (left <= 0) {
                    return false;
                }
                long start = System.nanoTime();
                TimeUnit.NANOSECONDS.timedWait(idle, left);
                left -= System.nanoTime() - start;
            }
        }
        if (levels.unverified()) {
            verify();
        }
        return true;
    }

    /** Lets the background thread finish what is queued (at most {@link #CLOSE_WAIT}), then stops it. */
    @Override
    public void close() {
        stopping = true;
        queue.offer(WAKE); // a full queue needs no waking: the worker is busy and sees stopping next
        try {
            worker.join(CLOSE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "level 2 not caught up within {0}; the rest is built when its"
                    + " sessions and users next get episodes", CLOSE_WAIT);
            worker.interrupt();
        }
    }

    private void run() {
        List<SessionTopicNodes.Written> round = new ArrayList<>();
        while (true) {
            try {
                SessionTopicNodes.Written first = queue.poll(IDLE.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null || first == WAKE) {
                    if (levels.unverified()) {
                        verify();
                    }
                    if (stopping && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                round.add(first);
                gather(round);
                round.removeIf(w -> w == WAKE); // never counted as pending
                if (!round.isEmpty()) {
                    build(round);
                    done(round.size());
                }
                round.clear();
                if (stopping && queue.isEmpty()) { // closing, and the wake-up was taken by a round
                    if (levels.unverified()) {
                        verify();
                    }
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Adds to the round what arrives within {@link #LINGER} of its first call, up to
     * {@link #MAX_ROUND}: during a bulk import a session or topic node is then rewritten once per
     * round rather than once per remember call.
     */
    private void gather(List<SessionTopicNodes.Written> round) throws InterruptedException {
        long deadline = System.nanoTime() + LINGER.toNanos();
        while (round.size() < MAX_ROUND) {
            queue.drainTo(round, MAX_ROUND - round.size());
            long left = deadline - System.nanoTime();
            if (round.size() >= MAX_ROUND || left <= 0 || stopping) {
                return;
            }
            SessionTopicNodes.Written next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            round.add(next);
        }
    }

    private void build(List<SessionTopicNodes.Written> written) {
        try {
            levels.add(written);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "building level 2 failed; its sessions and users are caught up"
                    + " when they next get episodes", e);
        }
    }

    private void verify() {
        try {
            levels.verify();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "checking new sessions for missed episodes failed; they are checked"
                    + " again when next loaded", e);
        }
    }

    private void done(int calls) {
        synchronized (idle) {
            pending -= calls;
            if (pending == 0) {
                idle.notifyAll();
            }
        }
    }
}
