package dev.flashvsr.element;

/**
 * Estimates the processing part of the element's latency from measured push times, and says
 * when the reported latency has moved far enough to be worth a LATENCY message (each one makes
 * the pipeline recompute latency, so small jitter must not trigger one).
 */
public final class LatencyEstimator {
    /** Weight of the newest measurement in the moving average. */
    private static final double SMOOTHING = 0.1;
    /** Relative change of the total latency that justifies a new LATENCY message. */
    private static final double REPORT_THRESHOLD = 0.25;
    /** Changes smaller than this are never reported. */
    private static final long MIN_REPORTED_CHANGE_NS = 2_000_000;

    private double averageNanos = -1;
    private long reportedNanos = -1;

    public synchronized void reset() {
        averageNanos = -1;
        reportedNanos = -1;
    }

    public synchronized void record(long processingNanos) {
        averageNanos = averageNanos < 0 ? processingNanos
                : averageNanos + SMOOTHING * (processingNanos - averageNanos);
    }

    /** The processing estimate in nanoseconds; 0 before any measurement. */
    public synchronized long processingNanos() {
        return averageNanos < 0 ? 0 : (long) averageNanos;
    }

    /** Total element latency: held frames times frame duration plus processing. */
    public long latencyNanos(int heldFrames, long frameDurationNanos) {
        return heldFrames * Math.max(0, frameDurationNanos) + processingNanos();
    }

    /** Records that this latency was reported (answered in a LATENCY query). */
    public synchronized void markReported(long latencyNanos) {
        reportedNanos = latencyNanos;
    }

    /** True when the current latency differs enough from the last reported one to post a message. */
    public synchronized boolean shouldRepost(long currentNanos) {
        if (reportedNanos < 0) {
            return false;
        }
        long change = Math.abs(currentNanos - reportedNanos);
        return change > MIN_REPORTED_CHANGE_NS && change > REPORT_THRESHOLD * reportedNanos;
    }
}
