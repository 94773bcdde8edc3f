package dev.flashvsr.tools.train;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * How one synthetic clip's high-res frames become its low-res frames, in this order: optional
 * Gaussian blur (camera/lens softness), downscale by the scale (antialiased Keys bicubic or area),
 * optional 4:2:0 chroma subsampling, optional Gaussian sensor noise, rounding to 8 bits, optional
 * JPEG re-encoding (a stand-in for video compression; it subsamples chroma 4:2:0 too).
 *
 * @param filter       downscale filter
 * @param blurSigma    Gaussian blur sigma in high-res pixels, 0 for none
 * @param chroma420    average chroma over 2x2 blocks and repeat it back (ignored when JPEG is on)
 * @param noiseSigma   Gaussian noise sigma on [0, 1] values, 0 for none
 * @param jpegQuality  JPEG quality 1-100, 0 for none
 */
public record Degradation(Resample.Filter filter, double blurSigma, boolean chroma420, double noiseSigma,
                          int jpegQuality) {

    /** The validation degradation: antialiased Keys bicubic downscale, rounded to 8 bits, nothing else. */
    public static final Degradation CLEAN_BICUBIC = new Degradation(Resample.Filter.CUBIC, 0, false, 0, 0);

    /** Share of training clips with no degradation other than the downscale. */
    static final double CLEAN_FRACTION = Double.parseDouble(System.getProperty("flashvsr.train.clean", "0.5"));
    /** Chance that a degraded clip is JPEG re-encoded, and the lowest quality drawn (up to 95). */
    static final double JPEG_CHANCE = Double.parseDouble(System.getProperty("flashvsr.train.jpegChance", "0.35"));
    static final int JPEG_MIN_QUALITY = Integer.getInteger("flashvsr.train.jpegMin", 60);
    /** Share of training clips downscaled with antialiased bicubic (the rest: area). */
    static final double CUBIC_FRACTION = Double.parseDouble(System.getProperty("flashvsr.train.cubic", "0.6"));

    /**
     * Draws a random training degradation for a clip: half the clips are clean (antialiased
     * bicubic or area downscale only); the other half get each of mild blur (sigma 0.15-0.5
     * low-res pixels), sensor noise (sigma 0.5-3 levels of 255), JPEG (quality 60-95) with
     * probability 0.35, and 4:2:0 chroma with probability 0.3 when there is no JPEG. The shares
     * and the JPEG chance and lowest quality are system properties ({@code flashvsr.train.clean},
     * {@code .cubic}, {@code .jpegChance}, {@code .jpegMin}).
     */
    public static Degradation random(Random rnd, int scale) {
        Resample.Filter filter = rnd.nextDouble() < CUBIC_FRACTION ? Resample.Filter.CUBIC : Resample.Filter.AREA;
        if (rnd.nextDouble() < CLEAN_FRACTION) {
            return new Degradation(filter, 0, false, 0, 0);
        }
        double blur = rnd.nextDouble() < 0.35 ? (0.15 + 0.35 * rnd.nextDouble()) * scale : 0;
        double noise = rnd.nextDouble() < 0.35 ? (0.5 + 2.5 * rnd.nextDouble()) / 255.0 : 0;
        int jpeg = rnd.nextDouble() < JPEG_CHANCE ? JPEG_MIN_QUALITY + rnd.nextInt(96 - JPEG_MIN_QUALITY) : 0;
        boolean chroma = jpeg == 0 && rnd.nextDouble() < 0.3;
        return new Degradation(filter, blur, chroma, noise, jpeg);
    }

    /** Whether nothing but the downscale (and rounding) is applied. */
    public boolean isClean() {
        return blurSigma == 0 && !chroma420 && noiseSigma == 0 && jpegQuality == 0;
    }

    /** The same without the JPEG step (for clips that go through a real video codec instead). */
    public Degradation withoutJpeg() {
        return new Degradation(filter, blurSigma, chroma420, noiseSigma, 0);
    }

    /** Low-res 8-bit frame ({@code 1/scale} of each side) from a high-res frame. */
    public RgbImage apply(RgbImage hr, int scale, Random rnd) {
        if (hr.height() % scale != 0 || hr.width() % scale != 0) {
            throw new IllegalArgumentException("frame size not a multiple of " + scale);
        }
        RgbImage img = blurSigma > 0 ? Resample.gaussianBlur(hr, blurSigma) : hr;
        img = Resample.resize(img, hr.height() / scale, hr.width() / scale, filter);
        if (chroma420 && jpegQuality == 0) {
            img = subsampleChroma(img);
        }
        float[] d = img.data();
        if (noiseSigma > 0) {
            for (int i = 0; i < d.length; i++) {
                d[i] += (float) (rnd.nextGaussian() * noiseSigma);
            }
        }
        img = img.quantized8();
        if (jpegQuality > 0) {
            img = jpeg(img, jpegQuality);
        }
        return img;
    }

    /** BT.601 full-range YCbCr; Cb and Cr averaged over 2x2 blocks and repeated back (nearest). */
    static RgbImage subsampleChroma(RgbImage img) {
        int h = img.height();
        int w = img.width();
        int plane = img.plane();
        float[] s = img.data();
        float[] y = new float[plane];
        float[] cb = new float[plane];
        float[] cr = new float[plane];
        for (int i = 0; i < plane; i++) {
            float r = s[i];
            float g = s[plane + i];
            float b = s[2 * plane + i];
            y[i] = 0.299f * r + 0.587f * g + 0.114f * b;
            cb[i] = (b - y[i]) / 1.772f;
            cr[i] = (r - y[i]) / 1.402f;
        }
        float[] out = new float[3 * plane];
        for (int by = 0; by < h; by += 2) {
            for (int bx = 0; bx < w; bx += 2) {
                float sb = 0;
                float sr = 0;
                int n = 0;
                for (int yy = by; yy < Math.min(h, by + 2); yy++) {
                    for (int xx = bx; xx < Math.min(w, bx + 2); xx++) {
                        sb += cb[yy * w + xx];
                        sr += cr[yy * w + xx];
                        n++;
                    }
                }
                sb /= n;
                sr /= n;
                for (int yy = by; yy < Math.min(h, by + 2); yy++) {
                    for (int xx = bx; xx < Math.min(w, bx + 2); xx++) {
                        int i = yy * w + xx;
                        out[i] = y[i] + 1.402f * sr;
                        out[plane + i] = y[i] - 0.344136f * sb - 0.714136f * sr;
                        out[2 * plane + i] = y[i] + 1.772f * sb;
                    }
                }
            }
        }
        return new RgbImage(out, h, w);
    }

    /** Encodes as baseline JPEG at {@code quality} with javax.imageio and decodes it again. */
    static RgbImage jpeg(RgbImage img, int quality) {
        try {
            BufferedImage bi = img.toBufferedImage();
            BufferedImage rgb = new BufferedImage(bi.getWidth(), bi.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
            rgb.getGraphics().drawImage(bi, 0, 0, null);
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality / 100f);
                writer.write(null, new IIOImage(rgb, null, null), param);
            } finally {
                writer.dispose();
            }
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
            return RgbImage.fromBufferedImage(decoded);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s%s%s%s%s", filter.name().toLowerCase(Locale.ROOT),
                blurSigma > 0 ? String.format(Locale.ROOT, "+blur%.2f", blurSigma) : "",
                chroma420 ? "+420" : "",
                noiseSigma > 0 ? String.format(Locale.ROOT, "+noise%.1f", noiseSigma * 255) : "",
                jpegQuality > 0 ? "+jpeg" + jpegQuality : "");
    }
}
