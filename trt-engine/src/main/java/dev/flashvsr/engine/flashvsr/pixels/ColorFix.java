package dev.flashvsr.engine.flashvsr.pixels;

/**
 * Upstream FlashVSR's colour correction of decoded frames against the bicubic-upscaled input, on
 * planar float RGB frames [3, H, W] in [-1, 1]; the result is clamped to [-1, 1]. Holds scratch
 * planes for one frame size, so {@link #apply} allocates nothing; not thread-safe.
 *
 * <ul>
 *   <li>{@link Method#ADAIN} (upstream default, matches the golden pipeline's description): per
 *       channel, mean and biased variance + 1e-5 over H x W (computed in double), std = sqrt;
 *       out = (x - mean_x) / std_x * std_ref + mean_ref, element-wise in float.
 *   <li>{@link Method#WAVELET}: out = (x - low(x)) + low(ref), where low() applies 5 blurs with
 *       dilation 1, 2, 4, 8, 16, each the 3x3 kernel [1,2,1]^T [1,2,1] / 16 with replicate
 *       padding by the dilation (computed separably with clamped indices, which is the same
 *       sum). Written from the description of upstream's method only: not verified against
 *       upstream output (no golden exists).
 * </ul>
 */
public final class ColorFix {
    /** Which correction. */
    public enum Method { ADAIN, WAVELET }

    private static final double ADAIN_EPS = 1e-5;
    private static final int WAVELET_LEVELS = 5;
    private static final int CHANNELS = 3;

    private final Method method;
    private final int width;
    private final int height;
    private final float[] lowFrame;
    private final float[] lowReference;
    private final float[] ping;
    private final float[] rowPass;

    public ColorFix(Method method, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        this.method = method;
        this.width = width;
        this.height = height;
        int plane = method == Method.WAVELET ? width * height : 0;
        lowFrame = new float[plane];
        lowReference = new float[plane];
        ping = new float[plane];
        rowPass = new float[plane];
    }

    /**
     * Corrects {@code frame} towards {@code reference} (same size) into {@code out}, which may be
     * {@code frame} itself.
     */
    public void apply(float[] frame, float[] reference, float[] out) {
        int plane = width * height;
        if (frame.length != CHANNELS * plane || reference.length != CHANNELS * plane || out.length != CHANNELS * plane) {
            throw new IllegalArgumentException("colour fix expects planar RGB frames of " + CHANNELS + "x" + height
                    + "x" + width + " = " + CHANNELS * plane + " floats, got frame " + frame.length + ", reference "
                    + reference.length + ", output " + out.length);
        }
        for (int c = 0; c < CHANNELS; c++) {
            if (method == Method.ADAIN) {
                adain(frame, reference, out, c * plane, plane);
            } else {
                wavelet(frame, reference, out, c * plane, plane);
            }
        }
    }

    private static void adain(float[] frame, float[] reference, float[] out, int offset, int plane) {
        double meanX = mean(frame, offset, plane);
        double meanR = mean(reference, offset, plane);
        float stdX = (float) std(frame, offset, plane, meanX);
        float stdR = (float) std(reference, offset, plane, meanR);
        float mx = (float) meanX;
        float mr = (float) meanR;
        for (int i = offset; i < offset + plane; i++) {
            out[i] = clamp((frame[i] - mx) / stdX * stdR + mr);
        }
    }

    private static double mean(float[] v, int offset, int plane) {
        double sum = 0;
        for (int i = offset; i < offset + plane; i++) {
            sum += v[i];
        }
        return sum / plane;
    }

    /** sqrt(biased variance + 1e-5). */
    private static double std(float[] v, int offset, int plane, double mean) {
        double squares = 0;
        for (int i = offset; i < offset + plane; i++) {
            double d = v[i] - mean;
            squares += d * d;
        }
        return Math.sqrt(squares / plane + ADAIN_EPS);
    }

    private void wavelet(float[] frame, float[] reference, float[] out, int offset, int plane) {
        lowBand(frame, offset, lowFrame);
        lowBand(reference, offset, lowReference);
        for (int i = 0; i < plane; i++) {
            out[offset + i] = clamp((frame[offset + i] - lowFrame[i]) + lowReference[i]);
        }
    }

    /** Five dilated blurs of the plane at {@code src[offset..]}, ending in {@code low}. */
    private void lowBand(float[] src, int offset, float[] low) {
        // odd level count: alternate low, ping, low, ping, low so the last blur writes into low
        float[] from = src;
        int fromOffset = offset;
        for (int level = 0; level < WAVELET_LEVELS; level++) {
            float[] to = level % 2 == 0 ? low : ping;
            blur(from, fromOffset, to, 1 << level);
            from = to;
            fromOffset = 0;
        }
    }

    /** [1,2,1]/4 along rows then columns, taps at +-dilation, indices clamped to the frame. */
    private void blur(float[] src, int offset, float[] dst, int dilation) {
        for (int y = 0; y < height; y++) {
            int row = offset + y * width;
            for (int x = 0; x < width; x++) {
                float left = src[row + Math.max(x - dilation, 0)];
                float right = src[row + Math.min(x + dilation, width - 1)];
                rowPass[y * width + x] = (left + 2 * src[row + x] + right) * 0.25f;
            }
        }
        for (int y = 0; y < height; y++) {
            int up = Math.max(y - dilation, 0) * width;
            int down = Math.min(y + dilation, height - 1) * width;
            for (int x = 0; x < width; x++) {
                dst[y * width + x] = (rowPass[up + x] + 2 * rowPass[y * width + x] + rowPass[down + x]) * 0.25f;
            }
        }
    }

    private static float clamp(float v) {
        return Math.max(-1f, Math.min(1f, v));
    }
}
