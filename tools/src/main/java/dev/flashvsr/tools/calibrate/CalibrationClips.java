package dev.flashvsr.tools.calibrate;

import dev.flashvsr.tools.eval.ImageLoading;
import dev.flashvsr.tools.eval.RgbImage;
import dev.flashvsr.tools.eval.TestSequence;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Low-resolution calibration clips made from photos exactly as {@code flashvsr eval} makes its
 * input ({@link TestSequence}: a panned centre window, antialiased bicubic downscale), so that the
 * recurrent state the graph builds up over a clip is the one it has in use.
 */
final class CalibrationClips {
    /** Fewest usable photos: one photo's statistics say little about the next one's. */
    static final int MIN_IMAGES = 2;

    /** One clip: planar RGB frames in [0, 1], [3, height, width] each. */
    record Clip(String name, int width, int height, List<float[]> frames) {
    }

    private CalibrationClips() {
    }

    /**
     * One clip per photo, in the order given.
     *
     * @throws CalibrationException for an unreadable photo, or fewer than {@link #MIN_IMAGES} photos
     *     large enough for a window
     */
    static List<Clip> make(List<Path> images, int scale, int frames, int maxSize) throws CalibrationException {
        List<Clip> clips = new ArrayList<>();
        List<String> tooSmall = new ArrayList<>();
        for (Path file : images) {
            RgbImage image;
            try {
                image = ImageLoading.load(file);
            } catch (IOException e) {
                throw new CalibrationException(e.getMessage() + "; remove it from the calibration images", e);
            }
            try {
                TestSequence clip = TestSequence.make(file.getFileName().toString(), image, scale, frames, maxSize);
                clips.add(new Clip(clip.name(), clip.lowResWidth(), clip.lowResHeight(),
                        clip.lowRes().stream().map(CalibrationClips::planar).toList()));
            } catch (IllegalArgumentException e) {
                tooSmall.add(e.getMessage());
            }
        }
        if (clips.size() < MIN_IMAGES) {
            throw new CalibrationException("calibration needs at least " + MIN_IMAGES + " usable images, found "
                    + clips.size() + " in " + images + (tooSmall.isEmpty() ? "" : " (" + String.join("; ", tooSmall)
                    + ")") + "; pass more photos with --images");
        }
        return clips;
    }

    private static float[] planar(RgbImage image) {
        int w = image.width();
        int h = image.height();
        float[] out = new float[3 * w * h];
        byte[] rgb = image.data();
        for (int i = 0; i < w * h; i++) {
            for (int c = 0; c < 3; c++) {
                out[c * w * h + i] = (rgb[3 * i + c] & 0xff) / 255f;
            }
        }
        return out;
    }
}
