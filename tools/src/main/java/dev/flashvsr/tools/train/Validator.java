package dev.flashvsr.tools.train;

import dev.flashvsr.engine.bicubic.FloatBicubic;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Validation on whole images: each image (cropped to a multiple of the scale) is downscaled with
 * {@link Degradation#CLEAN_BICUBIC} (antialiased Keys bicubic, a = -0.5, rounded to 8 bits), then
 * upscaled by the model as a single frame (previous = current, hidden = 0) and by bicubic
 * ({@link FloatBicubic}). Both outputs are rounded to 8 bits and compared with the original by
 * PSNR on BT.601 luma ({@code Y' = 16 + 65.481 R + 128.553 G + 24.966 B}, R, G, B in [0, 1], in
 * 8-bit units), with a border of {@code scale} pixels left out.
 */
public final class Validator {

    /** One validation image. */
    public record Item(String name, RgbImage groundTruth, RgbImage lowRes, double bicubicPsnr) {
    }

    /** One row of the table. */
    public record Row(String name, int width, int height, double bicubic, double model) {
        public double gain() {
            return model - bicubic;
        }
    }

    private final int scale;
    private final List<Item> items = new ArrayList<>();

    public Validator(Path dir, List<String> files, int scale) throws IOException {
        this.scale = scale;
        for (String f : files) {
            RgbImage img = RgbImage.read(dir.resolve(f));
            int h = img.height() / scale * scale;
            int w = img.width() / scale * scale;
            RgbImage gt = img.crop(0, 0, h, w).quantized8();
            RgbImage lr = Degradation.CLEAN_BICUBIC.apply(gt, scale, null);
            float[] bic = FloatBicubic.upscale(lr.data(), 3, lr.height(), lr.width(), scale);
            items.add(new Item(f, gt, lr, psnrY(bic, gt, scale)));
        }
    }

    public List<Item> items() {
        return items;
    }

    /** Runs {@code model} (low-res image to CHW output) on every image. */
    public List<Row> evaluate(Function<RgbImage, float[]> model) {
        List<Row> rows = new ArrayList<>();
        for (Item it : items) {
            float[] out = model.apply(it.lowRes());
            rows.add(new Row(it.name(), it.groundTruth().width(), it.groundTruth().height(), it.bicubicPsnr(),
                    psnrY(out, it.groundTruth(), scale)));
        }
        return rows;
    }

    /** Mean over rows of bicubic and model PSNR. */
    public static double[] means(List<Row> rows) {
        double b = 0;
        double m = 0;
        for (Row r : rows) {
            b += r.bicubic();
            m += r.model();
        }
        return new double[] {b / rows.size(), m / rows.size()};
    }

    /** A Markdown table of the rows with their mean. */
    public static String table(List<Row> rows, int scale) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "| image (x%d) | size | bicubic PSNR-Y dB | model PSNR-Y dB | gain dB |%n", scale));
        sb.append("|---|---|---:|---:|---:|").append(System.lineSeparator());
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %dx%d | %.2f | %.2f | %+.2f |%n", r.name(), r.width(),
                    r.height(), r.bicubic(), r.model(), r.gain()));
        }
        double[] m = means(rows);
        sb.append(String.format(Locale.ROOT, "| **mean** | | %.2f | %.2f | **%+.2f** |%n", m[0], m[1], m[1] - m[0]));
        return sb.toString();
    }

    /**
     * PSNR in dB of BT.601 luma between {@code output} (CHW float RGB, rounded to 8 bits here) and
     * {@code truth}, leaving out {@code border} pixels at each edge.
     */
    public static double psnrY(float[] output, RgbImage truth, int border) {
        int h = truth.height();
        int w = truth.width();
        int plane = h * w;
        if (output.length != 3 * plane) {
            throw new IllegalArgumentException("output size does not match the ground truth");
        }
        float[] t = truth.data();
        double se = 0;
        long n = 0;
        for (int y = border; y < h - border; y++) {
            for (int x = border; x < w - border; x++) {
                int i = y * w + x;
                double yo = luma(RgbImage.quantize8(output[i]), RgbImage.quantize8(output[plane + i]),
                        RgbImage.quantize8(output[2 * plane + i]));
                double yt = luma(t[i], t[plane + i], t[2 * plane + i]);
                double d = yo - yt;
                se += d * d;
                n++;
            }
        }
        double mse = se / n;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    static double luma(double r, double g, double b) {
        return 16 + 65.481 * r + 128.553 * g + 24.966 * b;
    }
}
