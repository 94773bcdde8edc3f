package dev.flashvsr.tools.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Clips tiled into one H.264 mosaic come back in place, coded, and only their own content. */
class H264ClipsTest {
    private static final int SIZE = 48;

    @Test
    void eachClipComesBackCodedAndInItsOwnTile() {
        Random rnd = new Random(3);
        List<RgbImage[]> clips = new ArrayList<>();
        List<RgbImage[]> originals = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            float level = 0.15f + 0.17f * n; // each clip its own brightness, so a mixed-up tile shows
            RgbImage[] frames = new RgbImage[3];
            for (int t = 0; t < frames.length; t++) {
                float[] data = new float[3 * SIZE * SIZE];
                for (int i = 0; i < data.length; i++) {
                    data[i] = RgbImage.quantize8(level + 0.05f * (float) Math.sin(i * 0.3 + t) + 0.01f * rnd.nextFloat());
                }
                frames[t] = new RgbImage(data, SIZE, SIZE);
            }
            clips.add(frames.clone());
            originals.add(frames);
        }
        H264Clips.roundTrip(clips, SIZE, 0.5);
        boolean changed = false;
        for (int n = 0; n < clips.size(); n++) {
            for (int t = 0; t < 3; t++) {
                RgbImage coded = clips.get(n)[t];
                RgbImage original = originals.get(n)[t];
                assertEquals(SIZE, coded.width());
                double sum = 0;
                for (int i = 0; i < coded.data().length; i++) {
                    double d = coded.data()[i] - original.data()[i];
                    sum += d * d;
                    changed |= d != 0;
                }
                double psnr = 10 * Math.log10(1 / (sum / coded.data().length));
                assertTrue(psnr > 25, "clip " + n + " frame " + t + " came back at " + psnr + " dB");
            }
        }
        assertTrue(changed, "the codec changed something");
    }

    @Test
    void bitRateFollowsTheMosaicArea() {
        assertEquals(100, H264Clips.kbpsFor(128 * 128, 0));
        assertEquals(300, H264Clips.kbpsFor(128 * 128, 1));
        assertEquals(225, H264Clips.kbpsFor(16L * SIZE * SIZE, 0));
    }
}
