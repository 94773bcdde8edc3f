package dev.flashvsr.tools.eval;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * An 8-bit RGB image held in memory: rows top to bottom, pixels left to right, three bytes per
 * pixel (R, G, B) and no row padding.
 */
public final class RgbImage {
    private final int width;
    private final int height;
    private final byte[] rgb;

    public RgbImage(int width, int height) {
        this(width, height, new byte[checkedSize(width, height)]);
    }

    public RgbImage(int width, int height, byte[] rgb) {
        if (rgb.length != checkedSize(width, height)) {
            throw new IllegalArgumentException("a " + width + "x" + height + " RGB image needs "
                    + checkedSize(width, height) + " bytes, got " + rgb.length);
        }
        this.width = width;
        this.height = height;
        this.rgb = rgb;
    }

    private static int checkedSize(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        long size = 3L * width * height;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("image " + width + "x" + height + " is too large");
        }
        return (int) size;
    }

    /** A uniform image of one colour. */
    public static RgbImage filled(int width, int height, int r, int g, int b) {
        RgbImage image = new RgbImage(width, height);
        for (int i = 0; i < image.rgb.length; i += 3) {
            image.rgb[i] = (byte) r;
            image.rgb[i + 1] = (byte) g;
            image.rgb[i + 2] = (byte) b;
        }
        return image;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The backing array (interleaved RGB, {@code 3 * width} bytes per row); not a copy. */
    public byte[] data() {
        return rgb;
    }

    /** Channel {@code c} (0 = R, 1 = G, 2 = B) at (x, y), 0..255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }

    public void set(int x, int y, int c, int value) {
        rgb[(y * width + x) * 3 + c] = (byte) value;
    }

    /** A copy of the rectangle with top-left corner (x0, y0). */
    public RgbImage crop(int x0, int y0, int w, int h) {
        if (x0 < 0 || y0 < 0 || w < 1 || h < 1 || x0 + w > width || y0 + h > height) {
            throw new IllegalArgumentException("crop " + w + "x" + h + "+" + x0 + "+" + y0 + " is outside the "
                    + width + "x" + height + " image");
        }
        RgbImage out = new RgbImage(w, h);
        for (int y = 0; y < h; y++) {
            System.arraycopy(rgb, ((y0 + y) * width + x0) * 3, out.rgb, y * w * 3, w * 3);
        }
        return out;
    }

    /** A copy as a Java 2D image (for writing it with javax.imageio). */
    public BufferedImage toBufferedImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = (y * width + x) * 3;
                image.setRGB(x, y, (rgb[p] & 0xff) << 16 | (rgb[p + 1] & 0xff) << 8 | (rgb[p + 2] & 0xff));
            }
        }
        return image;
    }

    /**
     * BT.601 luma in 8-bit units, {@code Y' = 16 + (65.481 R + 128.553 G + 24.966 B)} with R, G, B
     * in [0, 1] (so 16..235), not rounded: the Y channel of MATLAB's {@code rgb2ycbcr} as
     * super-resolution papers compute PSNR-Y and SSIM-Y.
     */
    public double[] luma() {
        double[] y = new double[width * height];
        for (int i = 0, p = 0; i < y.length; i++, p += 3) {
            y[i] = 16.0 + (65.481 * (rgb[p] & 0xff) + 128.553 * (rgb[p + 1] & 0xff) + 24.966 * (rgb[p + 2] & 0xff))
                    / 255.0;
        }
        return y;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage other && other.width == width && other.height == height
                && Arrays.equals(other.rgb, rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return width + "x" + height + " RGB";
    }
}
