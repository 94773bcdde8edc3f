package dev.flashvsr.tools.eval;

import java.util.List;

/**
 * What happens to the clean low-resolution clip before the model sees it: nothing ("clean"), or
 * an H.264 round trip at a bit rate ({@link H264RoundTrip}).
 *
 * @param kbps H.264 bit rate in kbit/s, 0 for clean input
 */
public record Degradation(int kbps) {

    public static final Degradation CLEAN = new Degradation(0);

    public Degradation {
        if (kbps < 0) {
            throw new IllegalArgumentException("bit rate must not be negative");
        }
    }

    public static Degradation h264(int kbps) {
        if (kbps < 1) {
            throw new IllegalArgumentException("H.264 bit rate must be at least 1 kbit/s, got " + kbps);
        }
        return new Degradation(kbps);
    }

    public boolean isClean() {
        return kbps == 0;
    }

    public String label() {
        return isClean() ? "clean" : "h264-" + kbps + "kbps";
    }

    public String describe() {
        return isClean() ? "clean input (antialiased bicubic downscale)"
                : "H.264 input (antialiased bicubic downscale, then x264enc " + kbps
                        + " kbit/s at " + H264RoundTrip.FPS + " fps, speed-preset=medium tune=zerolatency, "
                        + "and avdec_h264)";
    }

    public List<RgbImage> apply(List<RgbImage> lowRes) {
        return isClean() ? lowRes : H264RoundTrip.roundTrip(lowRes, kbps);
    }
}
