package dev.flashvsr.tools.eval;

/**
 * 8-bit RGB to and from 4:2:0 Y'CbCr (BT.601, limited range: Y' 16..235, Cb and Cr 16..240), in
 * GStreamer's default I420 layout (rows padded to 4 bytes; Y, then U, then V).
 *
 * <p>Done here rather than with {@code videoconvert}: GStreamer 1.22's fast I420-to-RGB path is
 * off by up to 2 levels (Y' 126 gives RGB 126 instead of 128, Y' 235 gives 253), which would add
 * a bias of its own to the compressed-input scores. Chroma is subsampled by averaging each 2x2
 * block (samples centred between the luma samples, "jpeg" siting) and brought back by bilinear
 * interpolation at the same siting, edges repeated.
 */
public final class Yuv420 {

    private static final double KR = 0.299;
    private static final double KB = 0.114;
    private static final double KG = 1 - KR - KB;

    private Yuv420() {
    }

    public static int lumaStride(int width) {
        return (width + 3) & ~3;
    }

    public static int chromaStride(int width) {
        return ((width + 1) / 2 + 3) & ~3;
    }

    /** Bytes of an I420 frame in GStreamer's default layout. */
    public static int frameSize(int width, int height) {
        return lumaStride(width) * height + 2 * chromaStride(width) * ((height + 1) / 2);
    }

    /** Converts an image with even width and height to I420 bytes. */
    public static byte[] toI420(RgbImage image) {
        int w = image.width();
        int h = image.height();
        if (w % 2 != 0 || h % 2 != 0) {
            throw new IllegalArgumentException("4:2:0 conversion needs an even size, got " + image);
        }
        int ys = lumaStride(w);
        int cs = chromaStride(w);
        int cw = w / 2;
        int ch = h / 2;
        byte[] out = new byte[frameSize(w, h)];
        int uOffset = ys * h;
        int vOffset = uOffset + cs * ch;
        byte[] rgb = image.data();
        double[] cb = new double[w * h];
        double[] cr = new double[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = (y * w + x) * 3;
                double r = rgb[p] & 0xff;
                double g = rgb[p + 1] & 0xff;
                double b = rgb[p + 2] & 0xff;
                double luma = KR * r + KG * g + KB * b;
                out[y * ys + x] = (byte) Resampling.clampRound(16 + 219 * luma / 255);
                cb[y * w + x] = (b - luma) / (2 * (1 - KB));
                cr[y * w + x] = (r - luma) / (2 * (1 - KR));
            }
        }
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                int i = 2 * y * w + 2 * x;
                double u = (cb[i] + cb[i + 1] + cb[i + w] + cb[i + w + 1]) / 4;
                double v = (cr[i] + cr[i + 1] + cr[i + w] + cr[i + w + 1]) / 4;
                out[uOffset + y * cs + x] = (byte) Resampling.clampRound(128 + 224 * u / 255);
                out[vOffset + y * cs + x] = (byte) Resampling.clampRound(128 + 224 * v / 255);
            }
        }
        return out;
    }

    /** Converts I420 bytes (GStreamer's default layout, even size) back to RGB. */
    public static RgbImage toRgb(byte[] i420, int w, int h) {
        if (w % 2 != 0 || h % 2 != 0 || i420.length < frameSize(w, h)) {
            throw new IllegalArgumentException("expected " + frameSize(w, h) + " bytes of " + w + "x" + h
                    + " I420, got " + i420.length);
        }
        int ys = lumaStride(w);
        int cs = chromaStride(w);
        int cw = w / 2;
        int ch = h / 2;
        int uOffset = ys * h;
        int vOffset = uOffset + cs * ch;
        RgbImage image = new RgbImage(w, h);
        byte[] rgb = image.data();
        for (int y = 0; y < h; y++) {
            // Chroma sample j sits at luma position 2j + 0.5: luma row y reads chroma (y - 0.5) / 2.
            double fy = (y - 0.5) / 2;
            int y0 = (int) Math.floor(fy);
            double ay = fy - y0;
            int r0 = Math.max(0, Math.min(ch - 1, y0));
            int r1 = Math.max(0, Math.min(ch - 1, y0 + 1));
            for (int x = 0; x < w; x++) {
                double fx = (x - 0.5) / 2;
                int x0 = (int) Math.floor(fx);
                double ax = fx - x0;
                int c0 = Math.max(0, Math.min(cw - 1, x0));
                int c1 = Math.max(0, Math.min(cw - 1, x0 + 1));
                double u = bilinear(i420, uOffset, cs, r0, r1, c0, c1, ax, ay) - 128;
                double v = bilinear(i420, vOffset, cs, r0, r1, c0, c1, ax, ay) - 128;
                double luma = ((i420[y * ys + x] & 0xff) - 16) * 255.0 / 219;
                double pb = u * 255.0 / 224;
                double pr = v * 255.0 / 224;
                double r = luma + 2 * (1 - KR) * pr;
                double b = luma + 2 * (1 - KB) * pb;
                double g = (luma - KR * r - KB * b) / KG;
                int p = (y * w + x) * 3;
                rgb[p] = (byte) Resampling.clampRound(r);
                rgb[p + 1] = (byte) Resampling.clampRound(g);
                rgb[p + 2] = (byte) Resampling.clampRound(b);
            }
        }
        return image;
    }

    private static double bilinear(byte[] data, int offset, int stride, int r0, int r1, int c0, int c1, double ax,
            double ay) {
        double top = (1 - ax) * (data[offset + r0 * stride + c0] & 0xff) + ax * (data[offset + r0 * stride + c1] & 0xff);
        double bottom = (1 - ax) * (data[offset + r1 * stride + c0] & 0xff)
                + ax * (data[offset + r1 * stride + c1] & 0xff);
        return (1 - ay) * top + ay * bottom;
    }
}
