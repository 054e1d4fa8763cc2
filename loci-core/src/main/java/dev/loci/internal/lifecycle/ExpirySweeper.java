package dev.loci.internal.lifecycle;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs {@link RetentionPipeline#evictExpired} every interval on one daemon thread, first one
 * interval after start (opening stays fast), followed by the engine's other periodic chore
 * (closing idle episode tails). A failed sweep is logged and the next one runs as
 * planned. {@link #close} lets a running sweep finish its current batch (it checks the stop flag
 * between batches) rather than interrupting it: an interrupt inside a file write would close the
 * store's channel. Thread-safe.
 */
public final class ExpirySweeper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ExpirySweeper.class.getName());
    /** Longest {@link #close} waits for a running sweep. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final ScheduledExecutorService executor;

    /**
     * @param stop  true once the engine is closing: a sweep stops between batches
     * @param after runs after each sweep, on the same thread
     */
    public ExpirySweeper(RetentionPipeline retention, Duration interval, BooleanSupplier stop, Runnable after) {
        this.executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("loci-expiry-sweep").factory());
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(() -> {
            try {
                long removed = retention.evictExpired(stop);
                if (removed > 0) {
                    LOG.log(System.Logger.Level.DEBUG, "expiry sweep removed {0} memories", removed);
                }
            } catch (RuntimeException e) {
                if (!stop.getAsBoolean()) {
                    LOG.log(System.Logger.Level.WARNING, "expiry sweep failed; the next one retries", e);
                }
            }
            try {
                if (!stop.getAsBoolean()) {
                    after.run();
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "periodic work after the expiry sweep failed; the next"
                        + " sweep retries", e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "an expiry sweep still runs after " + CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
