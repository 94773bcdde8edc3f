package dev.flashvsr.tools;

import java.awt.image.BufferedImage;

/**
 * Renders the frames of a slow camera pan (with an optional gentle zoom) across a photo.
 *
 * <p>Each output pixel is the exact area average, in linear light, of the photo region it covers.
 * The window moves by fractions of a source pixel from frame to frame, so motion stays smooth and
 * every frame is a clean, alias-free low-resolution view of the photo: material a super-resolution
 * model can be judged on, with the photo itself as the high-resolution reference.
 *
 * <p>Everything is plain double/float arithmetic in a fixed order, and powers use {@link StrictMath}
 * (Math.pow may differ in the last bit once the JIT replaces it), so the same photo and settings
 * always give the same frames.
 */
final class PanRenderer {

    /** Vertical drift relative to the horizontal pan speed. */
    private static final double VERTICAL_DRIFT = 0.25;

    private final int outWidth;
    private final int outHeight;
    private final int frames;
    /** Source pixels per output pixel at the first frame. */
    private final double sourceScale;
    private final double zoom;
    /** Window centre at the first frame and its travel per frame, in photo pixels. */
    private final double startX;
    private final double startY;
    private final double stepX;
    private final double stepY;
    /** The part of the photo any frame touches, as linear-light planes. */
    private final int regionX;
    private final int regionY;
    private final int regionWidth;
    private final int regionHeight;
    private final float[][] planes;

    private static final float[] TO_LINEAR = new float[256];
    private static final int ENCODE_STEPS = 1 << 16;
    private static final byte[] TO_SRGB = new byte[ENCODE_STEPS + 1];

    static {
        for (int i = 0; i < 256; i++) {
            double c = i / 255.0;
            TO_LINEAR[i] = (float) (c <= 0.04045 ? c / 12.92 : StrictMath.pow((c + 0.055) / 1.055, 2.4));
        }
        for (int i = 0; i <= ENCODE_STEPS; i++) {
            double l = (double) i / ENCODE_STEPS;
            double c = l <= 0.0031308 ? l * 12.92 : 1.055 * StrictMath.pow(l, 1 / 2.4) - 0.055;
            TO_SRGB[i] = (byte) Math.max(0, Math.min(255, (int) Math.round(c * 255)));
        }
    }

    /**
     * @param photo       the source picture
     * @param outWidth    frame width
     * @param outHeight   frame height
     * @param frames      number of frames
     * @param sourceScale photo pixels per output pixel (lowered automatically when the photo is
     *                    too small for the whole pan)
     * @param panSpeed    horizontal pan speed in output pixels per frame
     * @param focusX      horizontal centre of the pan as a fraction of the photo width
     * @param focusY      vertical centre of the pan as a fraction of the photo height
     * @param zoom        magnification reached at the last frame (1 = no zoom)
     */
    PanRenderer(BufferedImage photo, int outWidth, int outHeight, int frames, double sourceScale,
            double panSpeed, double focusX, double focusY, double zoom) {
        if (outWidth < 2 || outHeight < 2 || frames < 1) {
            throw new IllegalArgumentException("frame size must be at least 2x2 and frames at least 1");
        }
        if (!(sourceScale > 0) || !(panSpeed >= 0) || !(zoom >= 1)) {
            throw new IllegalArgumentException("source scale must be > 0, pan speed >= 0 and zoom >= 1");
        }
        this.outWidth = outWidth;
        this.outHeight = outHeight;
        this.frames = frames;
        this.zoom = zoom;
        int pw = photo.getWidth();
        int ph = photo.getHeight();
        int steps = Math.max(0, frames - 1);
        // The first window is the largest (zoom only shrinks it); it plus the travel must fit.
        double fitX = pw / (outWidth + panSpeed * steps);
        double fitY = ph / (outHeight + panSpeed * VERTICAL_DRIFT * steps);
        double s = Math.min(sourceScale, Math.min(fitX, fitY));
        if (s < 1) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "photo is %dx%d but a %dx%d pan over %d frames needs at least %.0fx%.0f pixels",
                    pw, ph, outWidth, outHeight, frames, outWidth + panSpeed * steps,
                    outHeight + panSpeed * VERTICAL_DRIFT * steps));
        }
        this.sourceScale = s;
        this.stepX = panSpeed * s;
        this.stepY = panSpeed * VERTICAL_DRIFT * s;
        double halfW = outWidth * s / 2;
        double halfH = outHeight * s / 2;
        double travelX = stepX * steps;
        double travelY = stepY * steps;
        // Centre the path on the focus point, then push it inside the photo.
        double cx = clamp(focusX * pw, halfW + travelX / 2, pw - halfW - travelX / 2);
        double cy = clamp(focusY * ph, halfH + travelY / 2, ph - halfH - travelY / 2);
        this.startX = cx - travelX / 2;
        this.startY = cy - travelY / 2;

        // Windows move and shrink linearly, so the first and last frame bound all of them.
        double[] first = window(0);
        double[] last = window(steps);
        double left = Math.min(first[0], last[0]);
        double top = Math.min(first[1], last[1]);
        double right = Math.max(first[0] + first[2], last[0] + last[2]);
        double bottom = Math.max(first[1] + first[3], last[1] + last[3]);
        this.regionX = Math.max(0, (int) Math.floor(left));
        this.regionY = Math.max(0, (int) Math.floor(top));
        this.regionWidth = Math.min(pw, (int) Math.ceil(right)) - regionX;
        this.regionHeight = Math.min(ph, (int) Math.ceil(bottom)) - regionY;

        int[] argb = photo.getRGB(regionX, regionY, regionWidth, regionHeight, null, 0, regionWidth);
        planes = new float[3][argb.length];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            planes[0][i] = TO_LINEAR[(p >> 16) & 0xff];
            planes[1][i] = TO_LINEAR[(p >> 8) & 0xff];
            planes[2][i] = TO_LINEAR[p & 0xff];
        }
    }

    private static double clamp(double v, double lo, double hi) {
        return lo > hi ? (lo + hi) / 2 : Math.max(lo, Math.min(hi, v));
    }

    int width() {
        return outWidth;
    }

    int height() {
        return outHeight;
    }

    int frames() {
        return frames;
    }

    /** Photo pixels per output pixel actually used at the first frame. */
    double sourceScale() {
        return sourceScale;
    }

    /** The photo rectangle shown by a frame: {x, y, width, height} in photo pixels. */
    double[] window(int frame) {
        double t = frames > 1 ? (double) frame / (frames - 1) : 0;
        // Exponential zoom looks uniform to the eye; the centre moves at constant speed.
        double magnification = StrictMath.pow(zoom, t);
        double w = outWidth * sourceScale / magnification;
        double h = outHeight * sourceScale / magnification;
        double cx = startX + stepX * frame;
        double cy = startY + stepY * frame;
        return new double[] {cx - w / 2, cy - h / 2, w, h};
    }

    /** Bytes per row of {@link #render}'s output: 3 per pixel, rounded up to 4 as GStreamer expects. */
    int stride() {
        return (outWidth * 3 + 3) & ~3;
    }

    /** Renders one frame as packed 8-bit RGB rows of {@link #stride()} bytes. */
    byte[] render(int frame) {
        double[] win = window(frame);
        Taps xt = Taps.of(win[0] - regionX, win[2] / outWidth, outWidth, regionWidth);
        Taps yt = Taps.of(win[1] - regionY, win[3] / outHeight, outHeight, regionHeight);
        int firstRow = yt.first[0];
        int lastRow = yt.first[outHeight - 1] + yt.weights[outHeight - 1].length;
        int rows = lastRow - firstRow;
        float[][] horizontal = new float[3][rows * outWidth];
        for (int c = 0; c < 3; c++) {
            float[] src = planes[c];
            float[] dst = horizontal[c];
            for (int r = 0; r < rows; r++) {
                int rowBase = (firstRow + r) * regionWidth;
                int outBase = r * outWidth;
                for (int x = 0; x < outWidth; x++) {
                    float[] w = xt.weights[x];
                    int base = rowBase + xt.first[x];
                    float sum = 0;
                    for (int k = 0; k < w.length; k++) {
                        sum += w[k] * src[base + k];
                    }
                    dst[outBase + x] = sum;
                }
            }
        }
        int stride = stride();
        byte[] out = new byte[stride * outHeight];
        float[] column = new float[3];
        for (int y = 0; y < outHeight; y++) {
            float[] w = yt.weights[y];
            int r0 = yt.first[y] - firstRow;
            for (int x = 0; x < outWidth; x++) {
                for (int c = 0; c < 3; c++) {
                    float[] h = horizontal[c];
                    float sum = 0;
                    for (int k = 0; k < w.length; k++) {
                        sum += w[k] * h[(r0 + k) * outWidth + x];
                    }
                    column[c] = sum;
                }
                int o = y * stride + x * 3;
                out[o] = encode(column[0]);
                out[o + 1] = encode(column[1]);
                out[o + 2] = encode(column[2]);
            }
        }
        return out;
    }

    private static byte encode(float linear) {
        int i = Math.round(linear * ENCODE_STEPS);
        return TO_SRGB[Math.max(0, Math.min(ENCODE_STEPS, i))];
    }

    /**
     * Box-filter taps along one axis: output sample {@code i} averages the source interval
     * {@code [origin + i*step, origin + (i+1)*step)}, each source pixel weighted by how much of it
     * lies inside.
     */
    private static final class Taps {
        final int[] first;
        final float[][] weights;

        private Taps(int[] first, float[][] weights) {
            this.first = first;
            this.weights = weights;
        }

        static Taps of(double origin, double step, int count, int limit) {
            int[] first = new int[count];
            float[][] weights = new float[count][];
            for (int i = 0; i < count; i++) {
                double a = origin + i * step;
                double b = a + step;
                int lo = Math.max(0, (int) Math.floor(a));
                int hi = Math.min(limit, (int) Math.ceil(b));
                if (hi <= lo) {
                    hi = Math.min(limit, lo + 1);
                    lo = hi - 1;
                }
                double[] raw = new double[hi - lo];
                double total = 0;
                for (int j = lo; j < hi; j++) {
                    double overlap = Math.min(b, j + 1) - Math.max(a, j);
                    raw[j - lo] = Math.max(0, overlap);
                    total += raw[j - lo];
                }
                float[] w = new float[raw.length];
                for (int k = 0; k < raw.length; k++) {
                    w[k] = total > 0 ? (float) (raw[k] / total) : 1f / raw.length;
                }
                first[i] = lo;
                weights[i] = w;
            }
            return new Taps(first, weights);
        }
    }
}
