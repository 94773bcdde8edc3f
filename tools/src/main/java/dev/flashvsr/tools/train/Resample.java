package dev.flashvsr.tools.train;

/**
 * Resampling used to make training and validation data: separable resizing (Keys cubic with
 * antialiasing, or exact area averaging), affine warps with bicubic interpolation and Gaussian
 * blur. Pixel centres are aligned ({@code src = (dst + 0.5) * in / out - 0.5}) and edges are
 * clamped, like the element's bicubic engine.
 */
public final class Resample {

    /** Resampling filter of {@link #resize}. */
    public enum Filter {
        /** Keys cubic convolution, a = -0.5, stretched by the factor when shrinking (antialiased, like MATLAB's imresize). */
        CUBIC,
        /** Exact area average of the source pixels each output pixel covers ("box" / OpenCV INTER_AREA); shrinking only. */
        AREA
    }

    private Resample() {
    }

    /** Keys cubic kernel, a = -0.5. */
    static double keys(double x) {
        double t = Math.abs(x);
        if (t < 1) {
            return (1.5 * t - 2.5) * t * t + 1;
        }
        if (t < 2) {
            return ((-0.5 * t + 2.5) * t - 4) * t + 2;
        }
        return 0;
    }

    /** Per-output-pixel source indices and weights of one axis. */
    record Taps(int[][] index, float[][] weight) {
    }

    static Taps taps(int in, int out, Filter filter) {
        double f = (double) in / out;
        int[][] index = new int[out][];
        float[][] weight = new float[out][];
        for (int i = 0; i < out; i++) {
            if (filter == Filter.AREA) {
                if (f < 1) {
                    throw new IllegalArgumentException("area filter only shrinks");
                }
                double lo = i * f;
                double hi = (i + 1) * f;
                int j0 = (int) Math.floor(lo);
                int j1 = Math.min(in - 1, (int) Math.ceil(hi) - 1);
                int n = j1 - j0 + 1;
                index[i] = new int[n];
                weight[i] = new float[n];
                for (int k = 0; k < n; k++) {
                    int j = j0 + k;
                    double overlap = Math.min(hi, j + 1) - Math.max(lo, j);
                    index[i][k] = j;
                    weight[i][k] = (float) (Math.max(0, overlap) / f);
                }
            } else {
                double support = Math.max(1.0, f);
                double centre = (i + 0.5) * f - 0.5;
                int j0 = (int) Math.floor(centre - 2 * support) + 1;
                int j1 = (int) Math.ceil(centre + 2 * support) - 1;
                int n = j1 - j0 + 1;
                double[] w = new double[n];
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    w[k] = keys((j0 + k - centre) / support);
                    sum += w[k];
                }
                index[i] = new int[n];
                weight[i] = new float[n];
                for (int k = 0; k < n; k++) {
                    index[i][k] = Math.min(in - 1, Math.max(0, j0 + k));
                    weight[i][k] = (float) (w[k] / sum);
                }
            }
        }
        return new Taps(index, weight);
    }

    /** Resizes a planar image with {@code channels} planes of {@code h x w} to {@code oh x ow}. */
    public static float[] resize(float[] src, int channels, int h, int w, int oh, int ow, Filter filter) {
        Taps tx = taps(w, ow, filter);
        Taps ty = taps(h, oh, filter);
        float[] tmp = new float[channels * h * ow];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                int srow = (c * h + y) * w;
                int drow = (c * h + y) * ow;
                for (int x = 0; x < ow; x++) {
                    int[] idx = tx.index[x];
                    float[] wt = tx.weight[x];
                    float acc = 0;
                    for (int k = 0; k < idx.length; k++) {
                        acc += wt[k] * src[srow + idx[k]];
                    }
                    tmp[drow + x] = acc;
                }
            }
        }
        float[] out = new float[channels * oh * ow];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < oh; y++) {
                int[] idx = ty.index[y];
                float[] wt = ty.weight[y];
                int drow = (c * oh + y) * ow;
                for (int k = 0; k < idx.length; k++) {
                    int srow = (c * h + idx[k]) * ow;
                    float wk = wt[k];
                    for (int x = 0; x < ow; x++) {
                        out[drow + x] += wk * tmp[srow + x];
                    }
                }
            }
        }
        return out;
    }

    public static RgbImage resize(RgbImage img, int oh, int ow, Filter filter) {
        return new RgbImage(resize(img.data(), 3, img.height(), img.width(), oh, ow, filter), oh, ow);
    }

    /**
     * Samples an {@code oh x ow} view of {@code src}: output pixel (x, y) comes from source point
     * {@code (cx, cy) + [[a, b], [c, d]] * (x - (ow - 1) / 2, y - (oh - 1) / 2)}, bicubic (Keys),
     * edges clamped.
     */
    public static RgbImage warp(RgbImage src, int oh, int ow, double cx, double cy,
                                double a, double b, double c, double d) {
        int w = src.width();
        int h = src.height();
        int plane = src.plane();
        float[] s = src.data();
        float[] out = new float[3 * oh * ow];
        int oplane = oh * ow;
        double hx = (ow - 1) / 2.0;
        double hy = (oh - 1) / 2.0;
        double x00 = cx - a * hx - b * hy;
        double y00 = cy - c * hx - d * hy;
        if (isUnitOrZero(a) && isUnitOrZero(b) && isUnitOrZero(c) && isUnitOrZero(d)
                && x00 == Math.rint(x00) && y00 == Math.rint(y00)) {
            // Whole-pixel crop, possibly flipped or transposed: copy (what the Keys weights 0, 1, 0, 0 give).
            int ia = (int) a;
            int ib = (int) b;
            int ic = (int) c;
            int id = (int) d;
            int bx = (int) x00;
            int by = (int) y00;
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    int sx = Math.min(w - 1, Math.max(0, bx + ia * x + ib * y));
                    int sy = Math.min(h - 1, Math.max(0, by + ic * x + id * y));
                    int si = sy * w + sx;
                    int di = y * ow + x;
                    out[di] = s[si];
                    out[oplane + di] = s[plane + si];
                    out[2 * oplane + di] = s[2 * plane + si];
                }
            }
            return new RgbImage(out, oh, ow);
        }
        float[] wx = new float[4];
        float[] wy = new float[4];
        int[] ix = new int[4];
        int[] iy = new int[4];
        for (int y = 0; y < oh; y++) {
            double v = y - hy;
            for (int x = 0; x < ow; x++) {
                double u = x - hx;
                double sx = cx + a * u + b * v;
                double sy = cy + c * u + d * v;
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                double fx = sx - x0;
                double fy = sy - y0;
                for (int k = 0; k < 4; k++) {
                    wx[k] = (float) keys(fx - (k - 1));
                    wy[k] = (float) keys(fy - (k - 1));
                    ix[k] = Math.min(w - 1, Math.max(0, x0 + k - 1));
                    iy[k] = Math.min(h - 1, Math.max(0, y0 + k - 1)) * w;
                }
                for (int ch = 0; ch < 3; ch++) {
                    int base = ch * plane;
                    float acc = 0;
                    for (int j = 0; j < 4; j++) {
                        int row = base + iy[j];
                        float r = wx[0] * s[row + ix[0]] + wx[1] * s[row + ix[1]]
                                + wx[2] * s[row + ix[2]] + wx[3] * s[row + ix[3]];
                        acc += wy[j] * r;
                    }
                    out[ch * oplane + y * ow + x] = acc;
                }
            }
        }
        return new RgbImage(out, oh, ow);
    }

    private static boolean isUnitOrZero(double v) {
        return v == 0 || v == 1 || v == -1;
    }

    /** Separable Gaussian blur with standard deviation {@code sigma} pixels, edges clamped. */
    public static RgbImage gaussianBlur(RgbImage img, double sigma) {
        if (sigma <= 0) {
            return img;
        }
        int r = Math.max(1, (int) Math.ceil(3 * sigma));
        float[] k = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            double g = Math.exp(-i * i / (2 * sigma * sigma));
            k[i + r] = (float) g;
            sum += g;
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= (float) sum;
        }
        int h = img.height();
        int w = img.width();
        float[] src = img.data();
        float[] tmp = new float[src.length];
        float[] out = new float[src.length];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                int row = (c * h + y) * w;
                for (int x = 0; x < w; x++) {
                    float acc = 0;
                    for (int i = -r; i <= r; i++) {
                        int xx = Math.min(w - 1, Math.max(0, x + i));
                        acc += k[i + r] * src[row + xx];
                    }
                    tmp[row + x] = acc;
                }
            }
            for (int y = 0; y < h; y++) {
                int row = (c * h + y) * w;
                for (int i = -r; i <= r; i++) {
                    int yy = Math.min(h - 1, Math.max(0, y + i));
                    int srow = (c * h + yy) * w;
                    float ki = k[i + r];
                    for (int x = 0; x < w; x++) {
                        out[row + x] += ki * tmp[srow + x];
                    }
                }
            }
        }
        return new RgbImage(out, h, w);
    }
}
