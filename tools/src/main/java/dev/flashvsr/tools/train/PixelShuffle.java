package dev.flashvsr.tools.train;

/**
 * DepthToSpace and SpaceToDepth in CRD order (PyTorch's pixel_shuffle and pixel_unshuffle) on
 * single CHW images: low-res channel {@code c*s*s + i*s + j} at (y, x) is high-res channel
 * {@code c} at (y*s + i, x*s + j).
 */
final class PixelShuffle {

    private PixelShuffle() {
    }

    /** [channels*s*s, h, w] -> [channels, s*h, s*w]. */
    static float[] depthToSpace(float[] lowRes, int channels, int h, int w, int s) {
        float[] highRes = new float[lowRes.length];
        shuffle(lowRes, highRes, channels, h, w, s, true);
        return highRes;
    }

    /** [channels, s*h, s*w] -> [channels*s*s, h, w]. */
    static float[] spaceToDepth(float[] highRes, int channels, int h, int w, int s) {
        float[] lowRes = new float[highRes.length];
        shuffle(lowRes, highRes, channels, h, w, s, false);
        return lowRes;
    }

    /** One plane [h, w] repeated into s x s blocks: [s*h, s*w]. */
    static float[] nearest(float[] plane, int h, int w, int s) {
        float[] out = new float[plane.length * s * s];
        int ow = w * s;
        for (int y = 0; y < h * s; y++) {
            for (int x = 0; x < ow; x++) {
                out[y * ow + x] = plane[(y / s) * w + x / s];
            }
        }
        return out;
    }

    private static void shuffle(float[] lowRes, float[] highRes, int channels, int h, int w, int s,
                                boolean toHighRes) {
        int ow = w * s;
        int oh = h * s;
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    int src = c * s * s + i * s + j;
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            int lo = (src * h + y) * w + x;
                            int hi = (c * oh + y * s + i) * ow + x * s + j;
                            if (toHighRes) {
                                highRes[hi] = lowRes[lo];
                            } else {
                                lowRes[lo] = highRes[hi];
                            }
                        }
                    }
                }
            }
        }
    }
}
