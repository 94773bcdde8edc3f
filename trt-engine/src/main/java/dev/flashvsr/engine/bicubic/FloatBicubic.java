package dev.flashvsr.engine.bicubic;

/**
 * Bicubic upscaling of planar float images by an integer factor: the same resampling as the
 * 8-bit {@code bicubic} model (Keys cubic convolution, a = -0.5; output position o samples source
 * position {@code (o + 0.5) / scale - 0.5}; four taps per axis with indices clamped to the edges;
 * separable, rows first), but on floats, with no rounding or clamping of values.
 *
 * <p>At scales 2 and 4 every weight is a multiple of 1/1024 and exact in float. This is also
 * what the ONNX graphs compute (see {@code dev.flashvsr.engine.onnx.OnnxGraphBuilder#bicubicPhases}
 * and {@code #resizeCubic}).
 */
public final class FloatBicubic {
    private FloatBicubic() {
    }

    /**
     * Upscales {@code planar} (CHW: {@code channels} planes of {@code height} rows of
     * {@code width} values) by {@code scale} in both directions.
     *
     * @return a new array, CHW, {@code channels x (scale * height) x (scale * width)}
     */
    public static float[] upscale(float[] planar, int channels, int height, int width, int scale) {
        checkSizes(planar.length, channels, height, width, scale);
        float[] out = new float[Math.multiplyExact(Math.multiplyExact(channels, scale * height), scale * width)];
        upscale(planar, channels, height, width, scale, out);
        return out;
    }

    /** As {@link #upscale(float[], int, int, int, int)}, into {@code output} (which it fills). */
    public static void upscale(float[] planar, int channels, int height, int width, int scale, float[] output) {
        checkSizes(planar.length, channels, height, width, scale);
        int outWidth = scale * width;
        int outHeight = scale * height;
        if (output.length != (long) channels * outHeight * outWidth) {
            throw new IllegalArgumentException("output holds " + output.length + " values, need "
                    + (long) channels * outHeight * outWidth);
        }
        Taps columns = new Taps(width, outWidth, scale);
        Taps rows = new Taps(height, outHeight, scale);
        float[] filtered = new float[height * outWidth];
        for (int c = 0; c < channels; c++) {
            int planeIn = c * height * width;
            for (int y = 0; y < height; y++) {
                int rowIn = planeIn + y * width;
                int rowOut = y * outWidth;
                for (int ox = 0; ox < outWidth; ox++) {
                    int t = ox * 4;
                    filtered[rowOut + ox] = columns.weight[t] * planar[rowIn + columns.index[t]]
                            + columns.weight[t + 1] * planar[rowIn + columns.index[t + 1]]
                            + columns.weight[t + 2] * planar[rowIn + columns.index[t + 2]]
                            + columns.weight[t + 3] * planar[rowIn + columns.index[t + 3]];
                }
            }
            int planeOut = c * outHeight * outWidth;
            for (int oy = 0; oy < outHeight; oy++) {
                int t = oy * 4;
                int r0 = rows.index[t] * outWidth;
                int r1 = rows.index[t + 1] * outWidth;
                int r2 = rows.index[t + 2] * outWidth;
                int r3 = rows.index[t + 3] * outWidth;
                float w0 = rows.weight[t];
                float w1 = rows.weight[t + 1];
                float w2 = rows.weight[t + 2];
                float w3 = rows.weight[t + 3];
                int rowOut = planeOut + oy * outWidth;
                for (int ox = 0; ox < outWidth; ox++) {
                    output[rowOut + ox] = w0 * filtered[r0 + ox] + w1 * filtered[r1 + ox]
                            + w2 * filtered[r2 + ox] + w3 * filtered[r3 + ox];
                }
            }
        }
    }

    private static void checkSizes(int length, int channels, int height, int width, int scale) {
        if (channels < 1 || height < 1 || width < 1 || scale < 1) {
            throw new IllegalArgumentException("need channels, height, width and scale >= 1, got " + channels + ", "
                    + height + ", " + width + ", " + scale);
        }
        if (length != (long) channels * height * width) {
            throw new IllegalArgumentException("input holds " + length + " values, expected " + channels + "x"
                    + height + "x" + width);
        }
    }

    /** Source indices (clamped) and float weights of the four taps of each output position. */
    private static final class Taps {
        final int[] index;
        final float[] weight;

        Taps(int sourceLength, int outputLength, int scale) {
            index = new int[outputLength * 4];
            weight = new float[outputLength * 4];
            for (int o = 0; o < outputLength; o++) {
                double position = (o + 0.5) / scale - 0.5;
                int first = (int) Math.floor(position) - 1;
                for (int k = 0; k < 4; k++) {
                    int source = first + k;
                    index[o * 4 + k] = Math.min(Math.max(source, 0), sourceLength - 1);
                    weight[o * 4 + k] = (float) KeysKernel.weight(position - source);
                }
            }
        }
    }
}
