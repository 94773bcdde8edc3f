package dev.flashvsr.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Yuv420Test {

    @Test
    void bt601LimitedRangeLevels() {
        byte[] black = Yuv420.toI420(RgbImage.filled(4, 2, 0, 0, 0));
        byte[] white = Yuv420.toI420(RgbImage.filled(4, 2, 255, 255, 255));
        byte[] gray = Yuv420.toI420(RgbImage.filled(4, 2, 128, 128, 128));
        assertEquals(16, black[0] & 0xff);
        assertEquals(235, white[0] & 0xff);
        assertEquals(126, gray[0] & 0xff);
        assertEquals(128, gray[8] & 0xff, "Cb of gray");
        byte[] blue = Yuv420.toI420(RgbImage.filled(4, 2, 0, 0, 255));
        assertEquals(240, blue[8] & 0xff, "Cb of blue");
        assertEquals(16 + 24.966, RgbImage.filled(1, 1, 0, 0, 255).luma()[0], 1e-9);
        assertEquals(41, blue[0] & 0xff, "Y of blue, as the luma the metrics use");
    }

    @Test
    void flatColoursSurviveTheRoundTrip() {
        int[][] colours = {{128, 128, 128}, {200, 100, 50}, {32, 64, 128}, {0, 0, 0}, {255, 255, 255}, {10, 240, 30}};
        for (int[] c : colours) {
            RgbImage flat = RgbImage.filled(12, 6, c[0], c[1], c[2]);
            RgbImage back = Yuv420.toRgb(Yuv420.toI420(flat), 12, 6);
            for (int ch = 0; ch < 3; ch++) {
                assertTrue(Math.abs(back.get(5, 3, ch) - c[ch]) <= 2, java.util.Arrays.toString(c) + " channel " + ch
                        + " came back as " + back.get(5, 3, ch));
            }
        }
    }

    @Test
    void smoothImagesKeepTheirLuma() {
        RgbImage photo = TestSequenceTest.photo(64, 48);
        RgbImage back = Yuv420.toRgb(Yuv420.toI420(photo), 64, 48);
        double psnr = Metrics.psnr(Metrics.Plane.luma(photo), Metrics.Plane.luma(back), 2);
        assertTrue(psnr > 40, "luma PSNR after the 4:2:0 round trip " + psnr);
        assertEquals(Yuv420.frameSize(64, 48), 64 * 48 * 3 / 2);
        assertEquals(Yuv420.frameSize(10, 2), 12 * 2 + 2 * 8 * 1);
    }
}
