package dev.flashvsr.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLoadingTest {

    @TempDir
    Path dir;

    private Path write(BufferedImage image, String name) throws IOException {
        Path file = dir.resolve(name);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    @Test
    void grayIsRepeatedIntoRgbWithoutColourConversion() throws IOException {
        BufferedImage gray = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = gray.getRaster();
        for (int x = 0; x < 4; x++) {
            r.setSample(x, 0, 0, 60 * x);
            r.setSample(x, 1, 0, 255 - x);
        }
        RgbImage image = ImageLoading.load(write(gray, "gray.png"));
        for (int x = 0; x < 4; x++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(60 * x, image.get(x, 0, c));
                assertEquals(255 - x, image.get(x, 1, c));
            }
        }
    }

    @Test
    void sixteenBitGrayIsScaledTo8Bits() throws IOException {
        BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray.getRaster().setSample(0, 0, 0, 65535);
        gray.getRaster().setSample(1, 0, 0, 257 * 100);
        RgbImage image = ImageLoading.load(write(gray, "gray16.png"));
        assertEquals(255, image.get(0, 0, 1));
        assertEquals(100, image.get(1, 0, 2));
    }

    @Test
    void rgbaKeepsTheColourAndIgnoresAlpha() throws IOException {
        BufferedImage rgba = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x80102030);
        rgba.setRGB(1, 1, 0xff405060);
        RgbImage image = ImageLoading.load(write(rgba, "rgba.png"));
        assertEquals(0x10, image.get(0, 0, 0));
        assertEquals(0x20, image.get(0, 0, 1));
        assertEquals(0x30, image.get(0, 0, 2));
        assertEquals(0x60, image.get(1, 1, 2));
    }

    @Test
    void paletteEntriesAreLookedUp() throws IOException {
        byte[] red = {0, (byte) 200, 10};
        byte[] green = {0, 100, 20};
        byte[] blue = {0, 50, 30};
        BufferedImage indexed = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(8, 3, red, green, blue));
        indexed.getRaster().setSample(0, 0, 0, 1);
        indexed.getRaster().setSample(1, 0, 0, 2);
        RgbImage image = ImageLoading.load(write(indexed, "palette.png"));
        assertEquals(200, image.get(0, 0, 0));
        assertEquals(100, image.get(0, 0, 1));
        assertEquals(50, image.get(0, 0, 2));
        assertEquals(30, image.get(1, 0, 2));
        assertEquals(0, image.get(2, 0, 0));
    }

    @Test
    void directoriesExpandToTheirImagesSortedAndBadFilesFailClearly() throws IOException {
        BufferedImage rgb = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        Path b = write(rgb, "b.png");
        Path a = write(rgb, "a.png");
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        assertEquals(List.of(a, b), ImageLoading.expand(List.of(dir)));
        assertThrows(IOException.class, () -> ImageLoading.expand(List.of(dir.resolve("missing.png"))));
        IOException e = assertThrows(IOException.class, () -> ImageLoading.load(dir.resolve("notes.txt")));
        assertEquals(true, e.getMessage().contains("notes.txt"), e.getMessage());
    }
}
