package dev.loci.eval;

/** Receives progress of a long evaluation, e.g. to draw a progress bar. Called from one thread. */
public interface ProgressListener {
    /** A phase begins with {@code total} steps. */
    void start(String phase, long total);

    /** {@code n} more steps of the current phase are done. */
    void step(long n);

    /** The current phase is done. */
    void done();

    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {
        @Override
        public void start(String phase, long total) {
        }

        @Override
        public void step(long n) {
        }

        @Override
        public void done() {
        }
    };
}
