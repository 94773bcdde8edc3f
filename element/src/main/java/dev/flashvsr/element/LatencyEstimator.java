package dev.flashvsr.element;

/**
 * Estimates the processing part of the element's latency and decides what latency to report and
 * when a LATENCY message is worth posting. A synchronising live sink shows a frame late whenever
 * its processing took longer than the latency reported for it, so the estimate is the slowest of
 * the recent frames plus headroom, not an average.
 *
 * <p>The reported latency follows the estimate: it rises at once (every late frame counts) and
 * falls at a quarter of the time that passes, at most a quarter of a frame's duration per frame,
 * so a sink that recomputes its latency as it falls keeps every frame it holds on time. The fall
 * is paced by time, not by the LATENCY queries that read it: how often an application asks does
 * not change what it is told.
 *
 * <p>Opening a session and warming it up can make the frames that arrive meanwhile wait. That
 * wait counts only for the frames that waited on it (those that arrived during it, until the
 * element caught up with them), not for the estimate's whole window, and only as long as the
 * first of them really waited, once that is known. While a session is opening (a real-size model
 * takes a minute or more), the time it has taken so far counts: no frame can leave before it ends.
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
    /** A {@link System#nanoTime()} that stands for none (that clock may be negative). */
    private static final long NEVER = Long.MIN_VALUE;

    private final long[] recent = new long[WINDOW];
    private int recorded;
    /** The last start-up: how long it took, a frame's work after it, and the frame duration then. */
    private long startUpWaitNanos;
    private long startUpFrameNanos;
    private long startUpFrameDurationNanos;
    /** The first frame after the start-up has not been recorded yet. */
    private boolean awaitingFirstFrame;
    /** What the first frames after the start-up waited and took, and for how many more frames it counts. */
    private long startUpNanos;
    private int startUpFramesLeft;
    /** The latency a LATENCY query is answered with now; -1 before the first answer. */
    private long reportableNanos = -1;
    /** The latency last answered; -1 when none was. */
    private long reportedNanos = -1;
    /** A fall large enough to announce is under way, and the latency its last message announced. */
    private boolean announcingFall;
    private long announcedNanos;
    /** When {@link #advance} was last called; {@link #NEVER} before. */
    private long lastAdvanceNanos = NEVER;
    /** When the session now opening began; {@link #NEVER} while none is. */
    private long openingSinceNanos = NEVER;

    public synchronized void reset() {
        recorded = 0;
        awaitingFirstFrame = false;
        startUpFramesLeft = 0;
        reportableNanos = -1;
        reportedNanos = -1;
        announcingFall = false;
        lastAdvanceNanos = NEVER;
        openingSinceNanos = NEVER;
    }

    public synchronized void record(long processingNanos) {
        recent[recorded % WINDOW] = processingNanos;
        recorded++;
        awaitingFirstFrame = false;
        if (startUpFramesLeft > 0) {
            startUpFramesLeft--;
        }
    }

    /**
     * A session was opened and warmed up in {@code waitNanos}, after which a frame takes about
     * {@code frameNanos}: frames that arrived meanwhile may have waited that long. Until {@link
     * #firstFrameWaited} says how long the first one really waited, the whole wait counts.
     */
    public synchronized void recordStartUp(long waitNanos, long frameNanos, long frameDurationNanos) {
        openingSinceNanos = NEVER;
        startUpWaitNanos = waitNanos;
        startUpFrameNanos = frameNanos;
        startUpFrameDurationNanos = frameDurationNanos;
        awaitingFirstFrame = true;
        coverStartUp(waitNanos);
    }

    /**
     * A session began opening at {@code nowNanos} ({@link System#nanoTime()}): until {@link
     * #recordStartUp} or {@link #openFailed}, {@link #openingUntil} counts the time it has taken.
     */
    public synchronized void openingSince(long nowNanos) {
        openingSinceNanos = nowNanos;
    }

    /**
     * While a session opens, brings the estimate up to the time the opening has taken by {@code
     * nowNanos}: frames that arrive meanwhile wait at least that long, and how many will is not
     * known yet, so it counts for the whole window. Does nothing when no session is opening.
     */
    public synchronized void openingUntil(long nowNanos) {
        if (openingSinceNanos != NEVER) {
            startUpNanos = Math.max(0, nowNanos - openingSinceNanos);
            startUpFramesLeft = WINDOW;
        }
    }

    /** The opening failed: no frame waits on it any more. */
    public synchronized void openFailed() {
        if (openingSinceNanos != NEVER) {
            openingSinceNanos = NEVER;
            startUpFramesLeft = 0;
        }
    }

    /** Whether the first frame after a {@link #recordStartUp start-up} is still to come. */
    public synchronized boolean awaitsFirstFrame() {
        return awaitingFirstFrame;
    }

    /**
     * The first frame after the start-up arrived {@code waitedNanos} later than upstream's latency
     * allows for (measured against the clock), bounded by the start-up's length. A source that
     * stamps its frames after the element is ready (videotestsrc does) waited nothing; a decoder
     * that sends caps just before its first frame waited it all.
     */
    public synchronized void firstFrameWaited(long waitedNanos) {
        if (awaitingFirstFrame) {
            awaitingFirstFrame = false;
            coverStartUp(Math.max(0, Math.min(waitedNanos, startUpWaitNanos)));
        }
    }

    /**
     * Frames that waited {@code waitNanos} and then took the start-up's frame time count until
     * the element caught up with them: those arriving during the wait, processed faster than one
     * arrives per frame duration, plus the one in flight. With the frame rate unknown, or not
     * faster than the processing, the wait covers the whole window.
     */
    private void coverStartUp(long waitNanos) {
        startUpNanos = waitNanos + startUpFrameNanos;
        long catchUpPerFrame = startUpFrameDurationNanos - startUpFrameNanos;
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
     * latency and the time now ({@link System#nanoTime()}): moves the latency to report towards
     * the current one and says whether a LATENCY message should be posted now. A rise is taken at
     * once and posted when it exceeds the thresholds. A fall is taken at a quarter of the time that
     * passed since the previous call, at most a quarter of {@code frameDurationNanos}: a sink
     * showing frames at the old latency would otherwise find those behind them due before they
     * arrive and drop them as late, whereas a fall well below one frame's duration per frame shown
     * leaves them on time. Pacing by time, not by frames, keeps that while the element catches up
     * on a backlog faster than the sink shows it. Smaller falls are only answered to queries; once
     * the current latency lies more than the fall threshold under the one last reported, the way
     * down is posted, a message per millisecond or more.
     */
    public synchronized boolean advance(long currentNanos, long frameDurationNanos, long nowNanos) {
        long elapsed = lastAdvanceNanos == NEVER ? Long.MAX_VALUE : nowNanos - lastAdvanceNanos;
        lastAdvanceNanos = nowNanos;
        if (reportedNanos < 0) {
            return false;
        }
        if (currentNanos >= reportableNanos) {
            reportableNanos = currentNanos;
            announcingFall = false;
            long rise = currentNanos - reportedNanos;
            return rise >= MIN_REPORTED_CHANGE_NS && rise > RISE_THRESHOLD * reportedNanos;
        }
        long fall = reportedNanos - currentNanos;
        if (!announcingFall && fall >= MIN_REPORTED_CHANGE_NS && fall > FALL_THRESHOLD * reportedNanos) {
            announcingFall = true;
            announcedNanos = reportableNanos;
        }
        long maxStep = frameDurationNanos > 0 ? frameDurationNanos / 4 : DEFAULT_FALL_STEP_NS;
        reportableNanos = Math.max(currentNanos, reportableNanos - Math.min(maxStep, elapsed / 4));
        if (!announcingFall) {
            return false;
        }
        boolean arrived = reportableNanos == currentNanos;
        boolean post = announcedNanos - reportableNanos >= MIN_REPORTED_CHANGE_NS
                || arrived && announcedNanos != reportableNanos;
        if (post) {
            announcedNanos = reportableNanos;
        }
        if (arrived) {
            announcingFall = false;
        }
        return post;
    }

    private static long ceilDiv(long dividend, long divisor) {
        return -Math.floorDiv(-dividend, divisor);
    }
}
