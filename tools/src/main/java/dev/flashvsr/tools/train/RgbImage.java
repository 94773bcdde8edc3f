package dev.flashvsr.tools.train;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A planar float RGB image (CHW, three channels, values nominally in [0, 1]).
 *
 * @param data   {@code 3 * height * width} floats, channel planes R, G, B one after another
 * @param height rows
 * @param width  columns
 */
public record RgbImage(float[] data, int height, int width) {

    public RgbImage {
        if (height < 1 || width < 1 || data.length != 3 * height * width) {
            throw new IllegalArgumentException("bad image: " + width + "x" + height + ", " + data.length + " floats");
        }
    }

    public static RgbImage blank(int height, int width) {
        return new RgbImage(new float[3 * height * width], height, width);
    }

    public int plane() {
        return height * width;
    }

    /** Copy of the rectangle at (x0, y0) of size w x h. */
    public RgbImage crop(int y0, int x0, int h, int w) {
        if (x0 < 0 || y0 < 0 || x0 + w > width || y0 + h > height) {
            throw new IllegalArgumentException("crop outside the image");
        }
        float[] out = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(data, c * plane() + (y0 + y) * width + x0, out, (c * h + y) * w, w);
            }
        }
        return new RgbImage(out, h, w);
    }

    /** Rounds every value to the nearest multiple of 1/255 in [0, 1] (what an 8-bit frame holds). */
    public RgbImage quantized8() {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = quantize8(data[i]);
        }
        return new RgbImage(out, height, width);
    }

    static float quantize8(float v) {
        float c = v < 0f ? 0f : (v > 1f ? 1f : v);
        return Math.round(c * 255f) / 255f;
    }

    /**
     * Reads an image file as RGB in [0, 1]. Gray images become three equal channels (their stored
     * values, without the colour-space conversion {@code BufferedImage.getRGB} would apply); an
     * alpha channel is dropped; 16-bit samples are scaled by 1/65535.
     */
    public static RgbImage read(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IOException("not an image ImageIO can read: " + file);
        }
        return fromBufferedImage(img);
    }

    public static RgbImage fromBufferedImage(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[] out = new float[3 * h * w];
        int plane = h * w;
        if (img.getColorModel() instanceof IndexColorModel) {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int p = row[x];
                    out[y * w + x] = ((p >> 16) & 255) / 255f;
                    out[plane + y * w + x] = ((p >> 8) & 255) / 255f;
                    out[2 * plane + y * w + x] = (p & 255) / 255f;
                }
            }
            return new RgbImage(out, h, w);
        }
        Raster r = img.getRaster();
        int bands = r.getNumBands();
        int bits = r.getSampleModel().getSampleSize(0);
        float norm = 1f / ((1L << bits) - 1);
        int[] row = new int[w];
        if (bands <= 2) {
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    float v = row[x] * norm;
                    out[y * w + x] = v;
                    out[plane + y * w + x] = v;
                    out[2 * plane + y * w + x] = v;
                }
            }
        } else {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) {
                    r.getSamples(0, y, w, 1, c, row);
                    for (int x = 0; x < w; x++) {
                        out[c * plane + y * w + x] = row[x] * norm;
                    }
                }
            }
        }
        return new RgbImage(out, h, w);
    }

    /** 8-bit RGB {@link BufferedImage} (values clamped and rounded). */
    public BufferedImage toBufferedImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        int plane = plane();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                int r = Math.round(clamp01(data[i]) * 255f);
                int g = Math.round(clamp01(data[plane + i]) * 255f);
                int b = Math.round(clamp01(data[2 * plane + i]) * 255f);
                row[x] = (r << 16) | (g << 8) | b;
            }
            img.setRGB(0, y, width, 1, row, 0, width);
        }
        return img;
    }

    /** Writes an 8-bit PNG (for looking at results). */
    public void writePng(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(toBufferedImage(), "png", file.toFile());
    }

    static float clamp01(float v) {
        return v < 0f ? 0f : (v > 1f ? 1f : v);
    }
}
