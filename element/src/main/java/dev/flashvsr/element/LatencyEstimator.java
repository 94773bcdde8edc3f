package dev.flashvsr.element;

/**
 * Estimates the processing part of the element's latency and decides what latency to report and
 * when a LATENCY message is worth posting. A synchronising live sink shows a frame late whenever
 * its processing took longer than the latency reported for it, so the estimate is the slowest of
 * the recent frames plus headroom, not an average.
 *
 * <p>The reported latency follows the estimate: it rises at once (every late frame counts) and
 * falls one step per processed frame, at most a quarter of a frame's duration, so a sink that
 * recomputes its latency after each frame keeps every frame it holds on time. The steps are paced
 * by frames, not by the LATENCY queries that read them: how often an application asks does not
 * change what it is told.
 *
 * <p>Opening a session and warming it up makes the frames that arrive meanwhile wait. That wait
 * counts only for the frames that can have waited on it (those that arrived during it, until the
 * element caught up with them), not for the estimate's whole window.
 */
public final class LatencyEstimator {
    /** Frames whose processing time the estimate covers. */
    static final int WINDOW = 64;
    /** How far the reported latency falls per frame when the frame duration is unknown. */
    static final long DEFAULT_FALL_STEP_NS = 10_000_000;
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
    /** What the first frames after a session's opening may have waited, and for how many more frames. */
    private long startUpNanos;
    private int startUpFramesLeft;
    /** The latency a LATENCY query is answered with now; -1 before the first answer. */
    private long reportableNanos = -1;
    /** The latency last answered; -1 when none was. */
    private long reportedNanos = -1;
    /** A fall large enough to announce is being stepped down with a LATENCY message per step. */
    private boolean announcingFall;

    public synchronized void reset() {
        recorded = 0;
        startUpFramesLeft = 0;
        reportableNanos = -1;
        reportedNanos = -1;
        announcingFall = false;
    }

    public synchronized void record(long processingNanos) {
        recent[recorded % WINDOW] = processingNanos;
        recorded++;
        if (startUpFramesLeft > 0) {
            startUpFramesLeft--;
        }
    }

    /**
     * A session was opened and warmed up: the frames that arrived during those {@code waitNanos}
     * waited that long and then took about {@code frameNanos} each. The wait covers the next
     * frames until the element caught up with them: those arriving during the wait, processed at
     * {@code frameNanos} while one arrives per {@code frameDurationNanos}, plus the one in flight.
     * With the frame rate unknown, or not faster than the processing, it covers the whole window.
     */
    public synchronized void recordStartUp(long waitNanos, long frameNanos, long frameDurationNanos) {
        startUpNanos = waitNanos + frameNanos;
        long catchUpPerFrame = frameDurationNanos - frameNanos;
        startUpFramesLeft = catchUpPerFrame <= 0 ? WINDOW
                : (int) Math.min(WINDOW, ceilDiv(waitNanos, catchUpPerFrame) + 1);
    }

    /** The processing estimate in nanoseconds; 0 before any measurement. */
    public synchronized long processingNanos() {
        long slowest = startUpFramesLeft > 0 ? startUpNanos : 0;
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
     * #latencyNanos}); remembered as reported. It is the current latency, or above it while the
     * reported latency steps down; a query does not move the steps.
     */
    public synchronized long answer(long currentNanos) {
        reportableNanos = Math.max(reportableNanos, currentNanos);
        reportedNanos = reportableNanos;
        return reportedNanos;
    }

    /** The latency last reported; -1 when none was. */
    public synchronized long reportedNanos() {
        return reportedNanos;
    }

    /**
     * Called after each processed frame (and once a new session started) with the current
     * latency: moves the latency to report towards it and says whether a LATENCY message should be
     * posted now. A rise is taken at once
     * and posted when it exceeds the thresholds. A fall is taken in steps of at most a quarter of
     * {@code frameDurationNanos} per frame (a sink showing a frame at the old latency would
     * otherwise find the frames behind it due before it finished and drop them as late, whereas a
     * step well below one frame's duration leaves them on time). Smaller falls are only answered
     * to queries; once the current latency lies more than the fall threshold under the one last
     * reported, every step until it is reached is posted.
     */
    public synchronized boolean advance(long currentNanos, long frameDurationNanos) {
        if (reportedNanos < 0) {
            return false;
        }
        long previous = reportableNanos;
        if (currentNanos >= reportableNanos) {
            reportableNanos = currentNanos;
            announcingFall = false;
            long rise = currentNanos - reportedNanos;
            return rise >= MIN_REPORTED_CHANGE_NS && rise > RISE_THRESHOLD * reportedNanos;
        }
        long fall = reportedNanos - currentNanos;
        if (fall >= MIN_REPORTED_CHANGE_NS && fall > FALL_THRESHOLD * reportedNanos) {
            announcingFall = true;
        }
        long step = frameDurationNanos > 0 ? frameDurationNanos / 4 : DEFAULT_FALL_STEP_NS;
        reportableNanos = Math.max(currentNanos, reportableNanos - Math.max(MIN_REPORTED_CHANGE_NS, step));
        boolean post = announcingFall && reportableNanos != previous;
        if (reportableNanos == currentNanos) {
            announcingFall = false;
        }
        return post;
    }

    private static long ceilDiv(long dividend, long divisor) {
        return -Math.floorDiv(-dividend, divisor);
    }
}
