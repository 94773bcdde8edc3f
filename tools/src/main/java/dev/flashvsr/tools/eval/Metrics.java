package dev.flashvsr.tools.eval;

import java.util.List;

/**
 * Full-reference quality measures on luma planes in 8-bit units (see {@link RgbImage#luma()}),
 * each ignoring a border of {@code border} pixels on every side (the scale, by convention: the
 * outermost pixels depend on how a method pads edges).
 *
 * <ul>
 *   <li>PSNR: {@code 10 log10(255^2 / MSE)}; identical planes give +infinity.</li>
 *   <li>SSIM: Wang, Bovik, Sheikh and Simoncelli (2004): local statistics under an 11x11 Gaussian
 *       window of sigma 1.5 (normalised to sum 1), {@code C1 = (0.01 L)^2}, {@code C2 = (0.03
 *       L)^2}, L = 255, the SSIM map computed where the window fits entirely ("valid") and
 *       averaged; as the authors' reference {@code ssim_index.m} does, and as scikit-image's
 *       {@code structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
 *       data_range=255)}, which gives the same values (see the tests).</li>
 *   <li>Temporal error of a sequence: the mean over frame pairs and pixels of {@code |(out_t -
 *       out_t-1) - (gt_t - gt_t-1)|}: how far the frame-to-frame change of the output is from the
 *       true change. Flicker and temporal noise raise it; so does missing real motion. The plain
 *       mean absolute temporal difference ({@code MATD}, mean of {@code |x_t - x_t-1|}) of the
 *       output and of the ground truth are given alongside.</li>
 * </ul>
 */
public final class Metrics {

    static final int SSIM_WINDOW = 11;
    static final double SSIM_SIGMA = 1.5;
    static final double L = 255;
    static final double C1 = (0.01 * L) * (0.01 * L);
    static final double C2 = (0.03 * L) * (0.03 * L);

    private Metrics() {
    }

    /** A plane of samples, row-major. */
    public record Plane(double[] values, int width, int height) {
        public Plane {
            if (values.length != width * height) {
                throw new IllegalArgumentException(width + "x" + height + " plane needs " + width * height
                        + " values, got " + values.length);
            }
        }

        public static Plane luma(RgbImage image) {
            return new Plane(image.luma(), image.width(), image.height());
        }

        /** The plane without {@code border} pixels on every side. */
        public Plane crop(int border) {
            if (border == 0) {
                return this;
            }
            int w = width - 2 * border;
            int h = height - 2 * border;
            if (w < 1 || h < 1) {
                throw new IllegalArgumentException("a " + width + "x" + height + " plane has nothing left after "
                        + "cropping a border of " + border);
            }
            double[] out = new double[w * h];
            for (int y = 0; y < h; y++) {
                System.arraycopy(values, (y + border) * width + border, out, y * w, w);
            }
            return new Plane(out, w, h);
        }
    }

    private static void checkSameSize(Plane a, Plane b) {
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException("planes differ in size: " + a.width() + "x" + a.height() + " and "
                    + b.width() + "x" + b.height());
        }
    }

    public static double mse(Plane a, Plane b, int border) {
        checkSameSize(a, b);
        Plane x = a.crop(border);
        Plane y = b.crop(border);
        double sum = 0;
        double[] xv = x.values();
        double[] yv = y.values();
        for (int i = 0; i < xv.length; i++) {
            double d = xv[i] - yv[i];
            sum += d * d;
        }
        return sum / xv.length;
    }

    /** PSNR in dB for peak 255; +infinity when the planes are equal inside the border. */
    public static double psnr(Plane a, Plane b, int border) {
        double mse = mse(a, b, border);
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(L * L / mse);
    }

    /** The normalised 1-D Gaussian whose outer product with itself is the SSIM window. */
    static double[] gaussian(int size, double sigma) {
        double[] g = new double[size];
        double sum = 0;
        int r = size / 2;
        for (int i = 0; i < size; i++) {
            g[i] = Math.exp(-((i - r) * (i - r)) / (2 * sigma * sigma));
            sum += g[i];
        }
        for (int i = 0; i < size; i++) {
            g[i] /= sum;
        }
        return g;
    }

    /** Mean SSIM (Wang et al. 2004) of two planes, border excluded, window positions fully inside. */
    public static double ssim(Plane a, Plane b, int border) {
        checkSameSize(a, b);
        Plane x = a.crop(border);
        Plane y = b.crop(border);
        int w = x.width();
        int h = x.height();
        if (w < SSIM_WINDOW || h < SSIM_WINDOW) {
            throw new IllegalArgumentException("SSIM needs at least " + SSIM_WINDOW + "x" + SSIM_WINDOW
                    + " pixels after the border, got " + w + "x" + h);
        }
        double[] xv = x.values();
        double[] yv = y.values();
        double[] g = gaussian(SSIM_WINDOW, SSIM_SIGMA);
        int ow = w - SSIM_WINDOW + 1;
        int oh = h - SSIM_WINDOW + 1;
        // Horizontal pass of the five statistics, then vertical pass per output row.
        double[][] horizontal = new double[5][ow * h];
        for (int r = 0; r < h; r++) {
            int row = r * w;
            for (int c = 0; c < ow; c++) {
                double sx = 0;
                double sy = 0;
                double sxx = 0;
                double syy = 0;
                double sxy = 0;
                for (int k = 0; k < SSIM_WINDOW; k++) {
                    double gk = g[k];
                    double p = xv[row + c + k];
                    double q = yv[row + c + k];
                    sx += gk * p;
                    sy += gk * q;
                    sxx += gk * p * p;
                    syy += gk * q * q;
                    sxy += gk * p * q;
                }
                int o = r * ow + c;
                horizontal[0][o] = sx;
                horizontal[1][o] = sy;
                horizontal[2][o] = sxx;
                horizontal[3][o] = syy;
                horizontal[4][o] = sxy;
            }
        }
        double total = 0;
        for (int r = 0; r < oh; r++) {
            for (int c = 0; c < ow; c++) {
                double mx = 0;
                double my = 0;
                double exx = 0;
                double eyy = 0;
                double exy = 0;
                for (int k = 0; k < SSIM_WINDOW; k++) {
                    double gk = g[k];
                    int o = (r + k) * ow + c;
                    mx += gk * horizontal[0][o];
                    my += gk * horizontal[1][o];
                    exx += gk * horizontal[2][o];
                    eyy += gk * horizontal[3][o];
                    exy += gk * horizontal[4][o];
                }
                double vx = exx - mx * mx;
                double vy = eyy - my * my;
                double cxy = exy - mx * my;
                total += ((2 * mx * my + C1) * (2 * cxy + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
            }
        }
        return total / ((double) ow * oh);
    }

    /** Temporal statistics of one sequence; NaN when it has fewer than two frames. */
    public record Temporal(double error, double matdOutput, double matdTruth) {
    }

    /** See the class comment; {@code output} and {@code truth} are frame sequences of equal length. */
    public static Temporal temporal(List<Plane> output, List<Plane> truth, int border) {
        if (output.size() != truth.size()) {
            throw new IllegalArgumentException(output.size() + " output frames for " + truth.size()
                    + " ground-truth frames");
        }
        if (output.size() < 2) {
            return new Temporal(Double.NaN, Double.NaN, Double.NaN);
        }
        double error = 0;
        double matdOut = 0;
        double matdTruth = 0;
        long count = 0;
        Plane prevOut = output.get(0).crop(border);
        Plane prevTruth = truth.get(0).crop(border);
        for (int t = 1; t < output.size(); t++) {
            checkSameSize(output.get(t), truth.get(t));
            Plane out = output.get(t).crop(border);
            Plane gt = truth.get(t).crop(border);
            checkSameSize(out, prevOut);
            double[] o = out.values();
            double[] po = prevOut.values();
            double[] g = gt.values();
            double[] pg = prevTruth.values();
            for (int i = 0; i < o.length; i++) {
                double dOut = o[i] - po[i];
                double dTruth = g[i] - pg[i];
                error += Math.abs(dOut - dTruth);
                matdOut += Math.abs(dOut);
                matdTruth += Math.abs(dTruth);
            }
            count += o.length;
            prevOut = out;
            prevTruth = gt;
        }
        return new Temporal(error / count, matdOut / count, matdTruth / count);
    }
}
