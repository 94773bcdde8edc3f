package dev.flashvsr.tools.train;

import dev.flashvsr.tools.eval.H264RoundTrip;
import java.util.ArrayList;
import java.util.List;

/**
 * Real H.264 compression for training clips, the same encoder and settings that {@code flashvsr
 * eval --h264} grades with: the clips are tiled into one mosaic video (tile edges fall on
 * macroblock edges when the low-res size is a multiple of 16), sent once through x264 and back
 * ({@link H264RoundTrip}), and cut apart again. One encoder run per batch keeps the cost small.
 */
final class H264Clips {
    /** Share of degraded clips that go through H.264 instead of the JPEG/noise path. */
    static final double CHANCE = Double.parseDouble(System.getProperty("flashvsr.train.h264Chance", "0"));
    /** Bit rate range per clip, scaled to the clip's area as {@code eval}'s 128x128 clips at 100-300 kbit/s. */
    private static final int MIN_KBPS_128 = 100;
    private static final int MAX_KBPS_128 = 300;

    private H264Clips() {
    }

    /** Bit rate for a mosaic of {@code pixels} low-res pixels, at a random point of the range. */
    static int kbpsFor(long pixels, double unitRandom) {
        double per128 = MIN_KBPS_128 + unitRandom * (MAX_KBPS_128 - MIN_KBPS_128);
        return (int) Math.max(1, Math.round(per128 * pixels / (128.0 * 128.0)));
    }

    /**
     * Replaces each clip's frames (all {@code size} square, 8-bit values) by their H.264 round trip.
     *
     * @param clips frames per clip (at least one clip), changed in place
     */
    static void roundTrip(List<RgbImage[]> clips, int size, double unitRandom) {
        int frames = clips.get(0).length;
        int columns = (int) Math.ceil(Math.sqrt(clips.size()));
        int rows = (clips.size() + columns - 1) / columns;
        int width = columns * size;
        int height = rows * size;
        List<dev.flashvsr.tools.eval.RgbImage> mosaics = new ArrayList<>(frames);
        for (int t = 0; t < frames; t++) {
            byte[] rgb = new byte[3 * width * height];
            java.util.Arrays.fill(rgb, (byte) 128);
            for (int n = 0; n < clips.size(); n++) {
                paste(clips.get(n)[t], rgb, width, (n % columns) * size, (n / columns) * size);
            }
            mosaics.add(new dev.flashvsr.tools.eval.RgbImage(width, height, rgb));
        }
        List<dev.flashvsr.tools.eval.RgbImage> decoded = H264RoundTrip.roundTrip(mosaics,
                kbpsFor((long) clips.size() * size * size, unitRandom));
        for (int t = 0; t < frames; t++) {
            byte[] rgb = decoded.get(t).data();
            for (int n = 0; n < clips.size(); n++) {
                clips.get(n)[t] = cut(rgb, width, (n % columns) * size, (n / columns) * size, size);
            }
        }
    }

    private static void paste(RgbImage tile, byte[] rgb, int width, int x0, int y0) {
        int plane = tile.plane();
        float[] d = tile.data();
        for (int y = 0; y < tile.height(); y++) {
            for (int x = 0; x < tile.width(); x++) {
                int i = y * tile.width() + x;
                int o = 3 * ((y0 + y) * width + x0 + x);
                for (int c = 0; c < 3; c++) {
                    rgb[o + c] = (byte) Math.round(RgbImage.quantize8(d[c * plane + i]) * 255f);
                }
            }
        }
    }

    private static RgbImage cut(byte[] rgb, int width, int x0, int y0, int size) {
        float[] out = new float[3 * size * size];
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int o = 3 * ((y0 + y) * width + x0 + x);
                for (int c = 0; c < 3; c++) {
                    out[c * plane + y * size + x] = (rgb[o + c] & 0xff) / 255f;
                }
            }
        }
        return new RgbImage(out, size, size);
    }
}
