package dev.flashvsr.engine.bicubic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FloatBicubicTest {

    /** Naive double-precision 4x4 sum with clamped edges, independent of the implementation. */
    private static double reference(float[] img, int c, int h, int w, int scale, int ox, int oy) {
        double sx = (ox + 0.5) / scale - 0.5;
        double sy = (oy + 0.5) / scale - 0.5;
        double sum = 0;
        for (int j = (int) Math.floor(sy) - 1; j <= (int) Math.floor(sy) + 2; j++) {
            for (int i = (int) Math.floor(sx) - 1; i <= (int) Math.floor(sx) + 2; i++) {
                int x = Math.min(Math.max(i, 0), w - 1);
                int y = Math.min(Math.max(j, 0), h - 1);
                sum += ReferenceBicubic.keys(sx - i) * ReferenceBicubic.keys(sy - j) * img[(c * h + y) * w + x];
            }
        }
        return sum;
    }

    @Test
    void matchesNaiveDoubleReference() {
        Random random = new Random(7);
        int[][] sizes = {{1, 1}, {1, 5}, {2, 3}, {7, 9}, {16, 11}};
        for (int scale : new int[] {1, 2, 3, 4}) {
            for (int[] size : sizes) {
                int h = size[0];
                int w = size[1];
                int channels = 3;
                float[] img = new float[channels * h * w];
                for (int i = 0; i < img.length; i++) {
                    img[i] = (float) (random.nextDouble() * 2 - 0.5);
                }
                float[] out = FloatBicubic.upscale(img, channels, h, w, scale);
                assertEquals(channels * h * w * scale * scale, out.length);
                for (int c = 0; c < channels; c++) {
                    for (int oy = 0; oy < h * scale; oy++) {
                        for (int ox = 0; ox < w * scale; ox++) {
                            double expected = reference(img, c, h, w, scale, ox, oy);
                            float got = out[(c * h * scale + oy) * w * scale + ox];
                            assertEquals(expected, got, 2e-6, "scale " + scale + " " + h + "x" + w + " at c" + c
                                    + " (" + ox + ", " + oy + ")");
                        }
                    }
                }
            }
        }
    }

    @Test
    void valuesAreNeitherRoundedNorClamped() {
        // A step overshoots (ringing) on both sides; the float path keeps the overshoot.
        float[] img = {0, 0, 1, 1};
        float[] out = FloatBicubic.upscale(img, 1, 1, 4, 4);
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : out) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(true, min < 0 && max > 1, "min " + min + " max " + max);
        float[] constant = FloatBicubic.upscale(new float[] {0.3f, 0.3f, 0.3f, 0.3f}, 1, 2, 2, 2);
        float[] expected = new float[16];
        java.util.Arrays.fill(expected, 0.3f);
        assertArrayEquals(expected, constant, 1e-7f);
    }

    @Test
    void rejectsInconsistentSizes() {
        assertThrows(IllegalArgumentException.class, () -> FloatBicubic.upscale(new float[5], 1, 2, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> FloatBicubic.upscale(new float[6], 1, 2, 3, 0));
        assertThrows(IllegalArgumentException.class,
                () -> FloatBicubic.upscale(new float[6], 1, 2, 3, 2, new float[23]));
    }
}
