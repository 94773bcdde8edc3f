package dev.flashvsr.element;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Quality of service the GStreamer way: downstream's QoS events say how late its last frame was,
 * and a frame that would reach a synchronising sink after the earliest time it can still be shown
 * is skipped instead of processed, so a backend that cannot keep up never builds a backlog. Like
 * GStreamer's video decoders, a frame late by {@code jitter} moves the earliest useful time to
 * twice the jitter plus one frame ahead, which leaves room to catch up.
 *
 * <p>Events come from downstream threads, decisions from the streaming thread.
 */
public final class QosTracker {
    private static final long NONE = -1;

    private final AtomicLong dropped = new AtomicLong();
    private long earliestRunningTime = NONE;
    private double proportion = 1.0;

    /**
     * Takes one QoS event: {@code jitter} is how far behind (positive) or ahead (negative) of
     * its running time {@code timestamp} downstream rendered a frame.
     */
    public synchronized void observe(double proportion, long jitter, long timestamp, long frameDuration) {
        this.proportion = proportion;
        if (timestamp < 0) {
            return;
        }
        earliestRunningTime = jitter > 0 ? timestamp + 2 * jitter + Math.max(0, frameDuration)
                : Math.max(0, timestamp + jitter);
    }

    /** True when a frame starting at this running time would be shown late and should be skipped. */
    public synchronized boolean isLate(long runningTime) {
        return earliestRunningTime != NONE && runningTime >= 0 && runningTime <= earliestRunningTime;
    }

    /** How late (nanoseconds) a frame at this running time would be. */
    public synchronized long lateness(long runningTime) {
        return earliestRunningTime == NONE ? 0 : earliestRunningTime - runningTime;
    }

    public synchronized double proportion() {
        return proportion;
    }

    /** Counts a skipped frame; returns the count since the last start. */
    public long recordDrop() {
        return dropped.incrementAndGet();
    }

    public long dropped() {
        return dropped.get();
    }

    /** Forgets downstream's lateness (flush, new stream); the drop count stays. */
    public synchronized void reset() {
        earliestRunningTime = NONE;
        proportion = 1.0;
    }

    /** A new start: counts from zero. */
    public void restart() {
        reset();
        dropped.set(0);
    }
}
