package dev.flashvsr.tools;

import java.util.Locale;

/**
 * How long an input says it is: the container's duration and the stream's frame rate (0/1 when
 * variable or unknown). A file cut short keeps its index (an MP4 with the index at the front), so
 * it declares more frames than can be decoded; comparing the two is how the cut is noticed.
 *
 * @param durationNanos the duration, or -1 when unknown
 */
record DeclaredLength(long durationNanos, int rateNumerator, int rateDenominator) {

    /** The frames the duration holds at the frame rate, rounded; -1 when either is unknown. */
    long frames() {
        if (durationNanos <= 0 || rateNumerator <= 0 || rateDenominator <= 0) {
            return -1;
        }
        return Math.round(durationNanos / 1e9 * rateNumerator / rateDenominator);
    }

    /**
     * The warning for an input that ended after fewer frames than it declares, or null. One frame
     * less is allowed: durations are rounded, and some containers end with a frame of no duration.
     */
    String truncationWarning(String input, long decoded) {
        long declared = frames();
        if (declared < 0 || decoded >= declared - 1) {
            return null;
        }
        return String.format(Locale.ROOT, "flashvsr: warning: %s declares %d frames (%.2f s at %d/%d) but only %d"
                + " could be decoded: the input is truncated or damaged", input, declared, durationNanos / 1e9,
                rateNumerator, rateDenominator, decoded);
    }
}
