package dev.flashvsr.tools.eval;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reads ground-truth images with {@code javax.imageio} into 8-bit RGB, from the stored samples
 * and without colour management: gray images (any bit depth) are repeated into R, G and B,
 * palette images are looked up in their palette, 16-bit samples are scaled to 8 bits with
 * rounding, and an alpha channel is ignored (the colour samples are used as stored).
 */
public final class ImageLoading {

    /** File name endings read from directories; files named explicitly may be anything ImageIO reads. */
    private static final List<String> IMAGE_SUFFIXES = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif",
            ".tiff");

    private ImageLoading() {
    }

    public static RgbImage load(Path file) throws IOException {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read image " + file + ": " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IOException("cannot read image " + file + ": not a format javax.imageio reads "
                    + "(PNG, JPEG, BMP, GIF, TIFF)");
        }
        return toRgb(image, file.toString());
    }

    /** Converts any decoded image to 8-bit RGB as described in the class comment. */
    public static RgbImage toRgb(BufferedImage image, String what) throws IOException {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        ColorModel cm = image.getColorModel();
        RgbImage out = new RgbImage(w, h);
        byte[] rgb = out.data();
        if (cm instanceof IndexColorModel palette) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int index = raster.getSample(x, y, 0);
                    int p = (y * w + x) * 3;
                    rgb[p] = (byte) palette.getRed(index);
                    rgb[p + 1] = (byte) palette.getGreen(index);
                    rgb[p + 2] = (byte) palette.getBlue(index);
                }
            }
            return out;
        }
        int colours = cm.getNumColorComponents();
        if (colours != 1 && colours != 3) {
            throw new IOException("cannot use image " + what + ": it has " + colours
                    + " colour components (only gray, RGB and palette images are supported)");
        }
        int[] bits = raster.getSampleModel().getSampleSize();
        for (int c = 0; c < colours; c++) {
            if (bits[c] < 1 || bits[c] > 16) {
                throw new IOException("cannot use image " + what + ": " + bits[c] + "-bit samples");
            }
        }
        int[] samples = new int[raster.getNumBands()];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.getPixel(x, y, samples);
                int p = (y * w + x) * 3;
                for (int c = 0; c < 3; c++) {
                    int band = colours == 1 ? 0 : c;
                    rgb[p + c] = (byte) to8Bit(samples[band], bits[band]);
                }
            }
        }
        return out;
    }

    private static int to8Bit(int value, int bits) {
        if (bits == 8) {
            return value;
        }
        int max = (1 << bits) - 1;
        return (int) Math.round(value * 255.0 / max);
    }

    /**
     * Expands the given files and directories into image files: a directory contributes the files
     * directly in it whose names end in an image suffix, sorted by name.
     */
    public static List<Path> expand(List<Path> filesOrDirs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : filesOrDirs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> listing = Files.list(p)) {
                    listing.filter(Files::isRegularFile)
                            .filter(f -> IMAGE_SUFFIXES.stream().anyMatch(
                                    s -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(s)))
                            .sorted()
                            .forEach(files::add);
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new IOException("image file or directory '" + p + "' does not exist");
            }
        }
        return files;
    }
}
