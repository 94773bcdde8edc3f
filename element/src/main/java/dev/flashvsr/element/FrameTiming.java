package dev.flashvsr.element;

/**
 * The timing of one input buffer, carried to its output buffer unchanged. Times are GStreamer
 * clock times in nanoseconds, -1 meaning none.
 */
public record FrameTiming(long pts, long dts, long duration, long offset, long offsetEnd, boolean discont) {

    public FrameTiming withDiscont() {
        return new FrameTiming(pts, dts, duration, offset, offsetEnd, true);
    }
}
