package dev.flashvsr.element;

/**
 * Estimates the processing part of the element's latency and says when the reported latency
 * moved far enough to be worth a LATENCY message. A synchronising live sink shows a frame late
 * whenever its processing took longer than the latency reported for it, so the estimate is the
 * slowest of the recent frames plus headroom, not an average. It rises as soon as one frame is
 * slower (reported at once: every late frame counts) and falls only when the slow frames leave
 * the window (reported lazily: each message makes the pipeline recompute its latency).
 */
public final class LatencyEstimator {
    /** Frames whose processing time the estimate covers. */
    static final int WINDOW = 64;
    /** Margin over the slowest recent frame for frames slower than any seen so far. */
    private static final double HEADROOM = 1.25;
    /** Relative rise of the total latency that justifies a new LATENCY message. */
    private static final double RISE_THRESHOLD = 0.05;
    /** Relative fall that justifies one. */
    private static final double FALL_THRESHOLD = 0.25;
    /** Changes smaller than this are never reported. */
    private static final long MIN_REPORTED_CHANGE_NS = 1_000_000;

    private final long[] recent = new long[WINDOW];
    private int recorded;
    private long reportedNanos = -1;

    public synchronized void reset() {
        recorded = 0;
        reportedNanos = -1;
    }

    public synchronized void record(long processingNanos) {
        recent[recorded % WINDOW] = processingNanos;
        recorded++;
    }

    /** The processing estimate in nanoseconds; 0 before any measurement. */
    public synchronized long processingNanos() {
        long slowest = 0;
        for (int i = 0; i < Math.min(recorded, WINDOW); i++) {
            slowest = Math.max(slowest, recent[i]);
        }
        return (long) (slowest * HEADROOM);
    }

    /** Total element latency: held frames times frame duration plus processing. */
    public long latencyNanos(int heldFrames, long frameDurationNanos) {
        return heldFrames * Math.max(0, frameDurationNanos) + processingNanos();
    }

    /** Records that this latency was reported (answered in a LATENCY query). */
    public synchronized void markReported(long latencyNanos) {
        reportedNanos = latencyNanos;
    }

    /** The latency last reported; -1 when none was. */
    public synchronized long reportedNanos() {
        return reportedNanos;
    }

    /** True when the current latency differs enough from the last reported one to post a message. */
    public synchronized boolean shouldRepost(long currentNanos) {
        if (reportedNanos < 0) {
            return false;
        }
        long change = currentNanos - reportedNanos;
        if (Math.abs(change) < MIN_REPORTED_CHANGE_NS) {
            return false;
        }
        return change > 0 ? change > RISE_THRESHOLD * reportedNanos : -change > FALL_THRESHOLD * reportedNanos;
    }
}
