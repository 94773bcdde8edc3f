package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class PanRendererTest {

    private static BufferedImage flat(int w, int h, int rgb) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    @Test
    void flatPhotoGivesFlatFrames() {
        PanRenderer r = new PanRenderer(flat(300, 200, 0x336699), 30, 20, 5, 4, 0.6, 0.5, 0.5, 1.2);
        byte[] frame = r.render(3);
        assertEquals(r.stride() * 20, frame.length);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 30; x++) {
                int o = y * r.stride() + x * 3;
                assertEquals(0x33, frame[o] & 0xff);
                assertEquals(0x66, frame[o + 1] & 0xff);
                assertEquals(0x99, frame[o + 2] & 0xff);
            }
        }
    }

    @Test
    void averagesInLinearLight() {
        // Alternating black and white columns, two source pixels per output pixel: the mean of
        // the linear intensities (0.5) is sRGB 188, not the naive 128.
        BufferedImage stripes = new BufferedImage(400, 100, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 400; x++) {
                stripes.setRGB(x, y, x % 2 == 0 ? 0xffffff : 0);
            }
        }
        PanRenderer r = new PanRenderer(stripes, 20, 10, 1, 2, 0, 0.5, 0.5, 1);
        byte[] frame = r.render(0);
        double[] win = r.window(0);
        assertEquals(Math.floor(win[0]), win[0], 1e-9, "the test wants pixel-aligned windows");
        assertEquals(188, frame[5 * r.stride() + 10 * 3] & 0xff, 1);
    }

    @Test
    void panMovesBySubPixelSteps() {
        PanRenderer r = new PanRenderer(flat(1000, 600, 0), 40, 30, 20, 6, 0.5, 0.5, 0.5, 1);
        double[] a = r.window(0);
        double[] b = r.window(1);
        assertEquals(0.5 * 6, b[0] - a[0], 1e-9, "0.5 output pixels per frame");
        assertEquals(0.125 * 6, b[1] - a[1], 1e-9, "a quarter of that vertically");
        assertEquals(a[2], b[2], 1e-9, "no zoom: same window size");
        double[] last = r.window(19);
        assertTrue(last[0] + last[2] <= 1000 && a[0] >= 0, "windows stay inside the photo");
    }

    @Test
    void shrinksSourceScaleToFitThePhotoOrRefuses() {
        PanRenderer r = new PanRenderer(flat(200, 150, 0), 40, 30, 10, 6, 0.5, 0.5, 0.5, 1);
        assertTrue(r.sourceScale() < 6 && r.sourceScale() >= 1);
        assertThrows(IllegalArgumentException.class,
                () -> new PanRenderer(flat(30, 20, 0), 40, 30, 10, 6, 0.5, 0.5, 0.5, 1));
    }
}
