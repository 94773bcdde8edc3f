package dev.flashvsr.tools.eval;

import java.util.function.IntToDoubleFunction;

/**
 * The resampling that makes evaluation input, written for this command (it does not use the
 * engine's bicubic, so the baseline is not graded by its own code):
 *
 * <ul>
 *   <li>{@link #downscale}: antialiased bicubic reduction by an integer factor, as MATLAB's
 *       {@code imresize(img, 1/f, 'bicubic')} does it, the standard way super-resolution test
 *       input is made. Output pixel {@code i} is centred on input position {@code u = (i + 0.5) f
 *       - 0.5}; the Keys cubic kernel (a = -0.5) is stretched by {@code f} (support {@code 4f}
 *       input pixels: 16 taps at x4, 8 at x2), the weights {@code k((u - j) / f)} are normalised to
 *       sum 1, and positions outside the image are mirrored ({@code -1 -> 0, -2 -> 1}, MATLAB's
 *       symmetric padding). Rows, then columns, each in double precision; the result is rounded
 *       half up and clamped to 0..255 once, at the end.</li>
 *   <li>{@link #window}: a window of the image sampled at a sub-pixel offset with the same Keys
 *       kernel unstretched (plain bicubic interpolation, 4 taps, edges repeated). An integer
 *       offset copies pixels exactly.</li>
 * </ul>
 */
public final class Resampling {

    private Resampling() {
    }

    /** Keys' cubic convolution kernel with a = -0.5. */
    static double keys(double x) {
        double t = Math.abs(x);
        if (t <= 1) {
            return (1.5 * t - 2.5) * t * t + 1;
        }
        if (t < 2) {
            return ((-0.5 * t + 2.5) * t - 4) * t + 2;
        }
        return 0;
    }

    /** Reduces both dimensions by {@code factor}; the size must be a multiple of it. */
    public static RgbImage downscale(RgbImage src, int factor) {
        if (factor < 1 || src.width() % factor != 0 || src.height() % factor != 0) {
            throw new IllegalArgumentException(src.width() + "x" + src.height()
                    + " is not a multiple of the factor " + factor);
        }
        int w = src.width() / factor;
        int h = src.height() / factor;
        IntToDoubleFunction centre = i -> (i + 0.5) * factor - 0.5;
        Axis ax = Axis.of(src.width(), w, centre, factor, true);
        Axis ay = Axis.of(src.height(), h, centre, factor, true);
        return apply(src, ax, ay);
    }

    /**
     * The {@code w x h} window whose top-left pixel centre is at (x0, y0) of {@code src}, bicubic
     * interpolated; positions beyond the edges repeat the edge pixels.
     */
    public static RgbImage window(RgbImage src, double x0, double y0, int w, int h) {
        Axis ax = Axis.of(src.width(), w, i -> x0 + i, 1, false);
        Axis ay = Axis.of(src.height(), h, i -> y0 + i, 1, false);
        return apply(src, ax, ay);
    }

    private static RgbImage apply(RgbImage src, Axis ax, Axis ay) {
        int inW = src.width();
        int inH = src.height();
        int outW = ax.outLength;
        int outH = ay.outLength;
        byte[] in = src.data();
        // Horizontal pass over every input row that the vertical pass reads.
        double[] rows = new double[inH * outW * 3];
        for (int y = 0; y < inH; y++) {
            int rowIn = y * inW * 3;
            int rowOut = y * outW * 3;
            for (int x = 0; x < outW; x++) {
                double r = 0;
                double g = 0;
                double b = 0;
                int base = x * ax.taps;
                for (int t = 0; t < ax.taps; t++) {
                    double wt = ax.weight[base + t];
                    int p = rowIn + ax.index[base + t] * 3;
                    r += wt * (in[p] & 0xff);
                    g += wt * (in[p + 1] & 0xff);
                    b += wt * (in[p + 2] & 0xff);
                }
                int q = rowOut + x * 3;
                rows[q] = r;
                rows[q + 1] = g;
                rows[q + 2] = b;
            }
        }
        RgbImage out = new RgbImage(outW, outH);
        byte[] o = out.data();
        int rowLength = outW * 3;
        double[] acc = new double[rowLength];
        for (int y = 0; y < outH; y++) {
            java.util.Arrays.fill(acc, 0);
            int base = y * ay.taps;
            for (int t = 0; t < ay.taps; t++) {
                double wt = ay.weight[base + t];
                if (wt == 0) {
                    continue;
                }
                int row = ay.index[base + t] * rowLength;
                for (int i = 0; i < rowLength; i++) {
                    acc[i] += wt * rows[row + i];
                }
            }
            int rowOut = y * rowLength;
            for (int i = 0; i < rowLength; i++) {
                o[rowOut + i] = (byte) clampRound(acc[i]);
            }
        }
        return out;
    }

    static int clampRound(double v) {
        long r = (long) Math.floor(v + 0.5);
        return r < 0 ? 0 : r > 255 ? 255 : (int) r;
    }

    /** The taps of one axis: for output position o, {@code taps} input indices and weights. */
    static final class Axis {
        final int outLength;
        final int taps;
        final int[] index;
        final double[] weight;

        private Axis(int outLength, int taps) {
            this.outLength = outLength;
            this.taps = taps;
            this.index = new int[outLength * taps];
            this.weight = new double[outLength * taps];
        }

        /**
         * @param centre  input position (in pixel-centre coordinates) of each output index
         * @param stretch kernel stretch: the downscaling factor for antialiasing, 1 for interpolation
         * @param mirror  mirror positions outside the input (else repeat the edge pixel)
         */
        static Axis of(int inLength, int outLength, IntToDoubleFunction centre, double stretch, boolean mirror) {
            int taps = (int) Math.ceil(4 * stretch) + 1;
            Axis axis = new Axis(outLength, taps);
            for (int o = 0; o < outLength; o++) {
                double u = centre.applyAsDouble(o);
                int first = (int) Math.ceil(u - 2 * stretch);
                double sum = 0;
                int base = o * taps;
                for (int t = 0; t < taps; t++) {
                    int j = first + t;
                    double wt = keys((u - j) / stretch);
                    axis.index[base + t] = mirror ? mirror(j, inLength) : Math.max(0, Math.min(inLength - 1, j));
                    axis.weight[base + t] = wt;
                    sum += wt;
                }
                for (int t = 0; t < taps; t++) {
                    axis.weight[base + t] /= sum;
                }
            }
            return axis;
        }

        private static int mirror(int j, int n) {
            int period = 2 * n;
            int m = Math.floorMod(j, period);
            return m < n ? m : period - 1 - m;
        }
    }
}
