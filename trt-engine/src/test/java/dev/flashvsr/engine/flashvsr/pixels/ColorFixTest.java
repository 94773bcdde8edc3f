package dev.flashvsr.engine.flashvsr.pixels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * AdaIN on synthetic frames (no single-module golden exists), and the wavelet fix against an
 * independent direct 2-D implementation of the dilated blur in double precision.
 */
class ColorFixTest {
    private static final int W = 37;
    private static final int H = 23;

    /** A smooth pattern plus noise, per channel offset and amplitude, within [-1, 1]. */
    private static float[] frame(Random r, double offset, double amplitude) {
        float[] f = new float[3 * H * W];
        for (int c = 0; c < 3; c++) {
            double phase = r.nextDouble() * 6;
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    double v = offset + c * 0.05 + amplitude * (0.6 * Math.sin(0.3 * x + phase) * Math.cos(0.2 * y)
                            + 0.4 * (r.nextDouble() - 0.5));
                    f[(c * H + y) * W + x] = (float) v;
                }
            }
        }
        return f;
    }

    /** Mean, sqrt(biased variance + 1e-5) and the plain biased variance of channel c. */
    private static double[] stats(float[] f, int c) {
        double sum = 0;
        int n = H * W;
        for (int i = 0; i < n; i++) {
            sum += f[c * n + i];
        }
        double mean = sum / n;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            sq += (f[c * n + i] - mean) * (f[c * n + i] - mean);
        }
        return new double[] {mean, Math.sqrt(sq / n + 1e-5), sq / n};
    }

    @Test
    void adainMatchesEachChannelsMeanAndStdToTheReference() {
        Random r = new Random(11);
        float[] x = frame(r, 0.2, 0.5);
        float[] ref = frame(r, -0.1, 0.3);
        float[] out = new float[x.length];
        new ColorFix(ColorFix.Method.ADAIN, W, H).apply(x, ref, out);
        for (int c = 0; c < 3; c++) {
            double[] o = stats(out, c);
            double[] e = stats(ref, c);
            assertEquals(e[0], o[0], 1e-6, "mean, channel " + c);
            double[] in = stats(x, c);
            // (x - mean) / sqrt(var_x + eps) has variance var_x / (var_x + eps), so out's std is slightly below std_ref
            assertEquals(e[1] * Math.sqrt(in[2] / (in[2] + 1e-5)), Math.sqrt(o[2]), 1e-6, "std, channel " + c);
            for (int i = 0; i < H * W; i += 97) {
                int k = c * H * W + i;
                double expected = (x[k] - in[0]) / in[1] * e[1] + e[0];
                assertEquals(expected, out[k], 1e-6, "value " + k);
            }
        }
    }

    @Test
    void adainClampsToTheUnitRangeAndWorksInPlace() {
        Random r = new Random(12);
        float[] x = frame(r, 0.0, 1.0);
        float[] ref = frame(r, 0.7, 1.5);
        float[] copy = x.clone();
        float[] out = new float[x.length];
        ColorFix fix = new ColorFix(ColorFix.Method.ADAIN, W, H);
        fix.apply(x, ref, out);
        fix.apply(copy, ref, copy);
        for (int i = 0; i < out.length; i++) {
            assertTrue(out[i] >= -1 && out[i] <= 1);
            assertEquals(out[i], copy[i]);
        }
    }

    /** low() written directly: 5 levels of the 2-D 3x3 [1,2,1]x[1,2,1]/16 kernel, dilation 2^i, replicate padding. */
    private static double[] lowBand(float[] f, int c) {
        double[] img = new double[H * W];
        for (int i = 0; i < H * W; i++) {
            img[i] = f[c * H * W + i];
        }
        double[] k = {1, 2, 1};
        for (int level = 0; level < 5; level++) {
            int d = 1 << level;
            double[] next = new double[H * W];
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    double s = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int yy = Math.min(Math.max(y + dy * d, 0), H - 1);
                            int xx = Math.min(Math.max(x + dx * d, 0), W - 1);
                            s += k[dy + 1] * k[dx + 1] / 16 * img[yy * W + xx];
                        }
                    }
                    next[y * W + x] = s;
                }
            }
            img = next;
        }
        return img;
    }

    @Test
    void waveletKeepsTheFramesHighBandAndTakesTheReferencesLowBand() {
        Random r = new Random(13);
        // amplitudes small enough that the final clamp never acts
        float[] x = frame(r, 0.1, 0.3);
        float[] ref = frame(r, -0.2, 0.3);
        float[] out = new float[x.length];
        new ColorFix(ColorFix.Method.WAVELET, W, H).apply(x, ref, out);
        for (int c = 0; c < 3; c++) {
            double[] lowX = lowBand(x, c);
            double[] lowRef = lowBand(ref, c);
            for (int i = 0; i < H * W; i++) {
                int k = c * H * W + i;
                assertTrue(Math.abs(out[k]) < 1, "test data must stay inside the clamp");
                assertEquals(lowRef[i], out[k] - (x[k] - lowX[i]), 1e-5, "low band, value " + k);
                assertEquals(x[k] - lowX[i], out[k] - lowRef[i], 1e-5, "high band, value " + k);
            }
        }
    }

    @Test
    void waveletOfAFrameAgainstItselfOrAConstantFrame() {
        Random r = new Random(14);
        float[] x = frame(r, 0.0, 0.4);
        float[] out = new float[x.length];
        ColorFix fix = new ColorFix(ColorFix.Method.WAVELET, W, H);
        fix.apply(x, x, out);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], out[i], 1e-6);
        }
        float[] flat = new float[x.length];
        java.util.Arrays.fill(flat, 0.25f);
        fix.apply(flat, x, out);
        for (int c = 0; c < 3; c++) {
            double[] lowX = lowBand(x, c);
            for (int i = 0; i < H * W; i++) {
                assertEquals(lowX[i], out[c * H * W + i], 1e-6, "a flat frame takes the reference's low band");
            }
        }
    }

    @Test
    void wrongSizesAreRejected() {
        ColorFix fix = new ColorFix(ColorFix.Method.ADAIN, W, H);
        assertThrows(IllegalArgumentException.class, () -> fix.apply(new float[3], new float[3 * W * H],
                new float[3 * W * H]));
    }
}
