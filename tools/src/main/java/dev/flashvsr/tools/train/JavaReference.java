package dev.flashvsr.tools.train;

import dev.flashvsr.engine.bicubic.FloatBicubic;
import dev.flashvsr.engine.model.Luma;
import dev.flashvsr.engine.model.RecurrentSrArchitecture;
import dev.flashvsr.engine.weights.FloatTensor;
import java.util.Map;

/**
 * {@link RecurrentSrArchitecture}'s forward pass written out loop by loop in plain Java (double
 * accumulation): the independent reference {@link DjlRecurrentSr} is checked against, in the
 * tests and before every training run. Slow; for small frames only.
 */
public final class JavaReference {

    private JavaReference() {
    }

    /**
     * Same contract as {@link DjlRecurrentSr#forward}; {@code previous} and {@code hidden} (and
     * {@code residual} for a gated architecture) must be given.
     */
    public static DjlRecurrentSr.Result forward(RecurrentSrArchitecture arch, Map<String, FloatTensor> weights,
                                                float[] current, float[] previous, float[] hidden,
                                                float[] residual, int height, int width) {
        int plane = height * width;
        int hc = arch.hiddenChannels();
        float[] x = new float[(6 + hc) * plane];
        System.arraycopy(current, 0, x, 0, 3 * plane);
        System.arraycopy(previous, 0, x, 3 * plane, 3 * plane);
        System.arraycopy(hidden, 0, x, 6 * plane, hc * plane);
        int channels = 6 + hc;
        for (int l = 0; l < arch.layers(); l++) {
            if (l == arch.layers() - 1 && arch.temporalGate()) {
                x = java.util.Arrays.copyOf(x, (channels + 1) * plane);
                System.arraycopy(change(current, previous, height, width), 0, x, channels * plane, plane);
                channels++;
            }
            int out = arch.convOut(l);
            x = conv3x3(x, channels, height, width, weights.get(RecurrentSrArchitecture.weightName(l)).data(),
                    weights.get(RecurrentSrArchitecture.biasName(l)).data(), out);
            if (l < arch.layers() - 1) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = Math.max(0f, x[i]);
                }
            }
            channels = out;
        }
        int s = arch.scale();
        int rc = arch.residualChannels();
        float[] base = FloatBicubic.upscale(current, 3, height, width, s);
        float[] detail = PixelShuffle.depthToSpace(java.util.Arrays.copyOfRange(x, 0, rc * plane), 3, height, width, s);
        if (arch.temporalGate()) {
            float[] gate = PixelShuffle.depthToSpace(java.util.Arrays.copyOfRange(x, (rc + hc) * plane,
                    (rc + hc + s * s) * plane), 1, height, width, s);
            float[] previousDetail = PixelShuffle.depthToSpace(java.util.Arrays.copyOf(residual, rc * plane), 3,
                    height, width, s);
            float[] previousBase = FloatBicubic.upscale(previous, 3, height, width, s);
            int hrPlane = plane * s * s;
            int ow = width * s;
            for (int i = 0; i < detail.length; i++) {
                int p = i % hrPlane;
                double flag = residual[rc * plane + (p / ow / s) * width + (p % ow) / s];
                double g = flag / (1 + Math.exp(-gate[p]));
                double previousOutput = previousBase[i] + previousDetail[i];
                detail[i] = (float) (g * (previousOutput - base[i]) + (1 - g) * detail[i]);
            }
        }
        float[] output = base.clone();
        for (int i = 0; i < output.length; i++) {
            output[i] += detail[i];
        }
        float[] hiddenOut = new float[hc * plane];
        for (int k = 0; k < hc * plane; k++) {
            hiddenOut[k] = (float) Math.tanh(x[rc * plane + k]);
        }
        return new DjlRecurrentSr.Result(output, hiddenOut, DjlRecurrentSr.residualState(arch, detail, height, width));
    }

    /** The gate's change channel, |box3x3(luma(current) - luma(previous))| in 8-bit levels. */
    private static float[] change(float[] current, float[] previous, int height, int width) {
        int plane = height * width;
        float[] luma = Luma.LEVELS;
        double[] d = new double[plane];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                d[i] += luma[c] * ((double) current[c * plane + i] - previous[c * plane + i]);
            }
        }
        int r = RecurrentSrArchitecture.CHANGE_BOX / 2;
        float[] change = new float[plane];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double sum = 0;
                for (int sy = Math.max(0, y - r); sy <= Math.min(height - 1, y + r); sy++) {
                    for (int sx = Math.max(0, x - r); sx <= Math.min(width - 1, x + r); sx++) {
                        sum += d[sy * width + sx];
                    }
                }
                change[y * width + x] = (float) Math.abs(sum / ((2 * r + 1) * (2 * r + 1)));
            }
        }
        return change;
    }

    /** 3x3 convolution, zero padding 1, with bias, on CHW arrays; weights [out, in, 3, 3]. */
    static float[] conv3x3(float[] x, int cin, int h, int w, float[] weight, float[] bias, int cout) {
        float[] y = new float[cout * h * w];
        double[] acc = new double[w];
        for (int o = 0; o < cout; o++) {
            for (int yy = 0; yy < h; yy++) {
                java.util.Arrays.fill(acc, bias[o]);
                for (int i = 0; i < cin; i++) {
                    for (int ky = 0; ky < 3; ky++) {
                        int sy = yy + ky - 1;
                        if (sy < 0 || sy >= h) {
                            continue;
                        }
                        int row = (i * h + sy) * w;
                        for (int kx = 0; kx < 3; kx++) {
                            double wk = weight[((o * cin + i) * 3 + ky) * 3 + kx];
                            int x0 = Math.max(0, 1 - kx);
                            int x1 = Math.min(w, w + 1 - kx);
                            for (int xx = x0; xx < x1; xx++) {
                                acc[xx] += wk * x[row + xx + kx - 1];
                            }
                        }
                    }
                }
                for (int xx = 0; xx < w; xx++) {
                    y[(o * h + yy) * w + xx] = (float) acc[xx];
                }
            }
        }
        return y;
    }
}
