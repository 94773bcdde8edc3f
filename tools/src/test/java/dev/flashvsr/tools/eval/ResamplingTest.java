package dev.flashvsr.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ResamplingTest {

    @Test
    void keysKernelInterpolates() {
        assertEquals(1, Resampling.keys(0), 0);
        assertEquals(0, Resampling.keys(1), 0);
        assertEquals(0, Resampling.keys(-2), 0);
        assertEquals(0, Resampling.keys(2.5), 0);
        assertEquals(0.5625, Resampling.keys(0.5), 1e-15);
        assertEquals(-0.0625, Resampling.keys(1.5), 1e-15);
        for (double f = 0; f < 1; f += 0.125) {
            double sum = 0;
            for (int k = -2; k <= 2; k++) {
                sum += Resampling.keys(f - k);
            }
            assertEquals(1, sum, 1e-12, "partition of unity at " + f);
        }
    }

    @Test
    void downscaleOfAConstantImageStaysConstant() {
        for (int factor : new int[] {2, 4}) {
            RgbImage flat = RgbImage.filled(40, 24, 7, 128, 250);
            RgbImage small = Resampling.downscale(flat, factor);
            assertEquals(40 / factor, small.width());
            assertEquals(24 / factor, small.height());
            assertEquals(RgbImage.filled(40 / factor, 24 / factor, 7, 128, 250), small, "x" + factor);
        }
    }

    @Test
    void downscaleCentresOutputPixelsAsImresize() {
        // A ramp v = 2x is kept by the symmetric kernel away from the edges: output pixel i sits at
        // input position (i + 0.5) * 4 - 0.5, so it is 8i + 3.
        RgbImage ramp = new RgbImage(96, 16);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 96; x++) {
                for (int c = 0; c < 3; c++) {
                    ramp.set(x, y, c, 2 * x);
                }
            }
        }
        RgbImage small = Resampling.downscale(ramp, 4);
        for (int i = 2; i < 22; i++) {
            assertEquals(8 * i + 3, small.get(i, 2, 0), "pixel " + i);
        }
        RgbImage half = Resampling.downscale(ramp, 2);
        for (int i = 2; i < 46; i++) {
            assertEquals(4 * i + 1, half.get(i, 3, 1), "pixel " + i);
        }
    }

    @Test
    void downscaleAveragesAwayDetailFinerThanTheNewGrid() {
        // One-pixel stripes alternate 0 and 200: a plain bicubic sample would keep one phase; the
        // antialiased kernel averages them (weights are symmetric about the pixel-pair boundary).
        RgbImage stripes = new RgbImage(64, 64);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                for (int c = 0; c < 3; c++) {
                    stripes.set(x, y, c, x % 2 == 0 ? 0 : 200);
                }
            }
        }
        RgbImage small = Resampling.downscale(stripes, 4);
        for (int i = 2; i < 14; i++) {
            assertEquals(100, small.get(i, 8, 0), 1, "pixel " + i);
        }
    }

    @Test
    void downscaleNeedsAMultipleOfTheFactor() {
        assertThrows(IllegalArgumentException.class, () -> Resampling.downscale(RgbImage.filled(10, 8, 0, 0, 0), 4));
    }

    @Test
    void windowAtAnIntegerOffsetIsACropAndAFractionalOneInterpolates() {
        RgbImage image = new RgbImage(20, 12);
        for (int i = 0; i < image.data().length; i++) {
            image.data()[i] = (byte) (i * 37);
        }
        assertEquals(image.crop(3, 2, 10, 6), Resampling.window(image, 3, 2, 10, 6));
        RgbImage ramp = new RgbImage(20, 4);
        for (int x = 0; x < 20; x++) {
            for (int y = 0; y < 4; y++) {
                ramp.set(x, y, 0, 10 * x);
            }
        }
        RgbImage shifted = Resampling.window(ramp, 2.5, 0, 10, 4);
        for (int x = 0; x < 10; x++) {
            assertEquals(10 * x + 25, shifted.get(x, 1, 0), "bicubic keeps a ramp");
        }
    }
}
