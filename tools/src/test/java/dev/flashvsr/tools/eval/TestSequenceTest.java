package dev.flashvsr.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TestSequenceTest {

    static RgbImage photo(int w, int h) {
        RgbImage image = new RgbImage(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.set(x, y, 0, (int) (128 + 100 * Math.sin(x * 0.21 + y * 0.05)));
                image.set(x, y, 1, (int) (128 + 100 * Math.cos(y * 0.17)));
                image.set(x, y, 2, (x * 7 + y * 3) & 0xff);
            }
        }
        return image;
    }

    @Test
    void windowIsCentredCappedAndAMultipleOfTheScale() {
        RgbImage image = photo(700, 300);
        TestSequence clip = TestSequence.make("p", image, 4, 8, 512);
        assertEquals(8, clip.frames());
        assertEquals(512, clip.width());
        assertEquals(288, clip.height(), "(300 - 2 - 3) / 4 = 73 low-res rows, 72 as a multiple of 8");
        assertEquals(128, clip.lowResWidth());
        assertEquals(72, clip.lowResHeight());
        assertEquals(image.crop(clip.x0(), clip.y0(), 512, 288), clip.truth().get(0), "frame 0 is an exact crop");
        assertEquals(Resampling.downscale(clip.truth().get(3), 4), clip.lowRes().get(3));
        assertNotEquals(clip.truth().get(0), clip.truth().get(1), "the camera pans");
        assertTrue(Math.abs(clip.x0() + 256 - 350) <= 3, "centred: x0 = " + clip.x0());
    }

    @Test
    void noLimitUsesTheWholeImage() {
        TestSequence clip = TestSequence.make("p", photo(700, 300), 2, 1, 0);
        assertEquals(688, clip.width(), "697 / 2 = 348 low-res columns, 344 as a multiple of 8");
        assertEquals(288, clip.height());
    }

    @Test
    void tooSmallImagesAreRejectedWithTheSizeTheyNeed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestSequence.make("tiny.png", photo(30, 30), 4, 8, 512));
        assertTrue(e.getMessage().contains("tiny.png") && e.getMessage().contains("too small"), e.getMessage());
    }
}
