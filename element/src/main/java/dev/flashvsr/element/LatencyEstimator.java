package dev.flashvsr.element;

/**
 * Estimates the processing part of the element's latency and says when the reported latency
 * moved far enough to be worth a LATENCY message. A synchronising live sink shows a frame late
 * whenever its processing took longer than the latency reported for it, so the estimate is the
 * slowest of the recent frames plus headroom, not an average. It rises as soon as one frame is
 * slower (reported at once: every late frame counts) and falls only when the slow frames leave
 * the window (reported lazily, and in steps).
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
    /** Whether the reported latency is stepping down towards the current one, and the step. */
    private boolean descending;
    private long stepNanos;

    public synchronized void reset() {
        recorded = 0;
        reportedNanos = -1;
        descending = false;
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

    /**
     * The element latency to answer a LATENCY query with, given the current one ({@link
     * #latencyNanos}); remembered as reported. While the reported latency steps down it is the
     * current step, else the current latency itself.
     */
    public synchronized long answer(long currentNanos) {
        reportedNanos = descending ? stepNanos : currentNanos;
        return reportedNanos;
    }

    /** The latency last reported; -1 when none was. */
    public synchronized long reportedNanos() {
        return reportedNanos;
    }

    /**
     * True when a LATENCY message should be posted now. A rise is reported at once. A fall is
     * reported in steps of at most {@code maxFallStepNanos} per frame: a sink showing a frame at
     * the old latency would otherwise find the frames behind it due before it finished, and drop
     * them as late, whereas a step below one frame's duration leaves them on time.
     */
    public synchronized boolean shouldRepost(long currentNanos, long maxFallStepNanos) {
        if (reportedNanos < 0) {
            return false;
        }
        long change = currentNanos - reportedNanos;
        if (change > 0) {
            descending = false;
            return change >= MIN_REPORTED_CHANGE_NS && change > RISE_THRESHOLD * reportedNanos;
        }
        if (!descending && -change >= MIN_REPORTED_CHANGE_NS && -change > FALL_THRESHOLD * reportedNanos) {
            descending = true;
        }
        if (!descending) {
            return false;
        }
        stepNanos = Math.max(currentNanos, reportedNanos - Math.max(MIN_REPORTED_CHANGE_NS, maxFallStepNanos));
        if (stepNanos == currentNanos) {
            descending = false;
        }
        return true;
    }
}
