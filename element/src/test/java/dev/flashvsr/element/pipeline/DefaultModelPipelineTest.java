package dev.flashvsr.element.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Models;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.ByteBuffer;
import java.util.List;
import javax.imageio.ImageIO;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.elements.AppSrc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The default (neural) model through real pipelines: every format streams, and it beats bicubic. */
class DefaultModelPipelineTest {
    /** A validation photo from Debian's python3-skimage (installed by scripts/install-deps.sh). */
    private static final File VALIDATION_IMAGE = new File("/usr/lib/python3/dist-packages/skimage/data/astronaut.png");
    private static final int SCALE = 4;
    /** The least gain over bicubic this test accepts; flashvsr eval measures the real one. */
    private static final double MIN_GAIN_DB = 0.5;
    /** Side and top row of the moving object, low-res pixels. */
    private static final int OBJECT_SIZE = 24;
    private static final int OBJECT_Y = 40;

    @Test
    void theDefaultModelIsNeural() throws Exception {
        try (var model = Models.resolve(Models.DEFAULT)) {
            assertTrue(model.isNeural(), "the default model " + Models.DEFAULT + " must be the trained network");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"NV12", "I420", "RGB", "BGRx"})
    void everyFormatStreamsThroughTheDefaultModel(String format) {
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc num-buffers=4 pattern=ball ! video/x-raw,format="
                + format + ",width=33,height=19,framerate=25/1 ! flashvsrfilter ! appsink name=out");
        assertNull(run.error(), run.error());
        assertEquals(4, run.frames().size());
        assertEquals(33 * SCALE, run.frames().get(0).width());
        assertEquals(format, run.frames().get(3).format());
        assertEquals(120_000_000L, run.frames().get(3).pts());
    }

    @Test
    void beatsBicubicOnAValidationImage() throws Exception {
        assertTrue(VALIDATION_IMAGE.isFile(), VALIDATION_IMAGE + " is missing: run scripts/install-deps.sh");
        BufferedImage truth = ImageIO.read(VALIDATION_IMAGE);
        int width = truth.getWidth() / SCALE;
        int height = truth.getHeight() / SCALE;
        byte[] lowRes = areaDownscale(truth, width, height);
        double neural = psnrY(truth, upscale("flashvsrfilter", lowRes, width, height));
        double bicubic = psnrY(truth, upscale("flashvsrfilter model=bicubic", lowRes, width, height));
        System.out.printf("astronaut x4: default model %.2f dB, bicubic %.2f dB PSNR-Y%n", neural, bicubic);
        assertTrue(neural > bicubic + MIN_GAIN_DB,
                String.format("default model %.2f dB is not %.1f dB over bicubic %.2f dB", neural, MIN_GAIN_DB, bicubic));
    }

    /**
     * A still picture streamed for several frames (where the temporal gate may average the
     * detail over frames) must keep its gain, and a scene cut must leave no trace of the picture
     * before it: the frame after the cut equals that frame upscaled on its own.
     */
    @Test
    void stillPicturesKeepTheirGainAndSceneCutsLeaveNoGhost() throws Exception {
        BufferedImage truth = ImageIO.read(VALIDATION_IMAGE).getSubimage(0, 0, 512, 384);
        BufferedImage other = ImageIO.read(new File(VALIDATION_IMAGE.getParentFile(), "coffee.png"))
                .getSubimage(0, 0, 512, 384);
        int width = 512 / SCALE;
        int height = 384 / SCALE;
        byte[] lowRes = areaDownscale(truth, width, height);
        byte[] otherLowRes = areaDownscale(other, width, height);
        double bicubic = psnrY(truth, upscale("flashvsrfilter model=bicubic", lowRes, width, height));
        List<byte[]> still = upscale("flashvsrfilter", List.of(lowRes, lowRes, lowRes, lowRes, lowRes), width, height);
        double last = psnrY(truth, still.get(still.size() - 1));
        assertTrue(last > bicubic + MIN_GAIN_DB,
                String.format("5th frame of a still picture %.2f dB is not %.1f dB over bicubic %.2f dB", last,
                        MIN_GAIN_DB, bicubic));
        byte[] alone = upscale("flashvsrfilter", lowRes, width, height);
        List<byte[]> cut = upscale("flashvsrfilter", List.of(otherLowRes, otherLowRes, otherLowRes, lowRes), width,
                height);
        double afterCut = psnrY(truth, cut.get(3));
        double sameAsAlone = psnr(alone, cut.get(3));
        System.out.printf("astronaut x4: 5th still frame %.2f dB, after a cut %.2f dB, alone %.2f dB, bicubic %.2f dB;"
                + " after the cut vs alone %.1f dB%n", last, afterCut, psnrY(truth, alone), bicubic, sameAsAlone);
        assertTrue(sameAsAlone > 35, String.format("the frame after a scene cut differs from the same frame alone"
                + " (%.1f dB PSNR between them): a ghost of the previous picture", sameAsAlone));
    }

    /**
     * An object moving over a still background must leave no trail: around where it was and
     * where it is, the last frame equals that frame upscaled on its own.
     */
    @Test
    void movingObjectsLeaveNoTrail() throws Exception {
        int width = 512 / SCALE;
        int height = 384 / SCALE;
        byte[] background = areaDownscale(ImageIO.read(VALIDATION_IMAGE).getSubimage(0, 0, 512, 384), width, height);
        byte[] object = areaDownscale(ImageIO.read(new File(VALIDATION_IMAGE.getParentFile(), "coffee.png"))
                .getSubimage(200, 100, 96, 96), OBJECT_SIZE, OBJECT_SIZE);
        List<byte[]> frames = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            frames.add(paste(background, width, object, objectX(t), OBJECT_Y));
        }
        List<byte[]> moving = upscale("flashvsrfilter", frames, width, height);
        byte[] alone = upscale("flashvsrfilter", frames.get(3), width, height);
        // the object's place in the last two frames, widened by the network's reach
        int x0 = (objectX(2) - 3) * SCALE;
        int x1 = (objectX(3) + OBJECT_SIZE + 3) * SCALE;
        int y0 = (OBJECT_Y - 3) * SCALE;
        int y1 = (OBJECT_Y + OBJECT_SIZE + 3) * SCALE;
        double trail = psnrInside(alone, moving.get(3), width * SCALE, x0, y0, x1, y1);
        System.out.printf("moving object x4: last frame vs alone around the object %.1f dB%n", trail);
        assertTrue(trail > 35, String.format("around a moving object the last frame differs from the same frame"
                + " alone (%.1f dB PSNR between them): a trail of where it was", trail));
    }

    /** The moving object's left edge in frame t (low-res pixels): 3 pixels per frame. */
    private static int objectX(int t) {
        return 30 + 3 * t;
    }

    /** A copy of the packed RGB frame with the square object pasted at (x, y). */
    private static byte[] paste(byte[] frame, int width, byte[] object, int x, int y) {
        byte[] out = frame.clone();
        int stride = (width * 3 + 3) & ~3;
        int objectStride = (OBJECT_SIZE * 3 + 3) & ~3;
        for (int row = 0; row < OBJECT_SIZE; row++) {
            System.arraycopy(object, row * objectStride, out, (y + row) * stride + x * 3, OBJECT_SIZE * 3);
        }
        return out;
    }

    /** PSNR between two packed RGB frames inside the rectangle [x0, x1) x [y0, y1). */
    private static double psnrInside(byte[] a, byte[] b, int width, int x0, int y0, int x1, int y1) {
        int stride = (width * 3 + 3) & ~3;
        double squared = 0;
        long count = 0;
        for (int y = y0; y < y1; y++) {
            for (int i = y * stride + x0 * 3; i < y * stride + x1 * 3; i++) {
                double d = (a[i] & 0xff) - (b[i] & 0xff);
                squared += d * d;
                count++;
            }
        }
        return psnr(squared, count);
    }

    private static byte[] upscale(String element, byte[] rgb, int width, int height) {
        return upscale(element, List.of(rgb), width, height).get(0);
    }

    /** Streams the frames (one per second) through the element and returns every output frame. */
    private static List<byte[]> upscale(String element, List<byte[]> rgbFrames, int width, int height) {
        GstTestSupport.Run run = GstTestSupport.run("appsrc name=src format=time ! " + element
                + " ! appsink name=out", (pipeline, sinks) -> {
                    AppSrc src = (AppSrc) pipeline.getElementByName("src");
                    src.setCaps(Caps.fromString("video/x-raw,format=RGB,width=" + width + ",height=" + height
                            + ",framerate=1/1"));
                    for (int i = 0; i < rgbFrames.size(); i++) {
                        byte[] rgb = rgbFrames.get(i);
                        Buffer buffer = new Buffer(rgb.length);
                        ByteBuffer mapped = buffer.map(true);
                        mapped.put(rgb);
                        buffer.unmap();
                        buffer.setPresentationTimestamp(i * 1_000_000_000L);
                        src.pushBuffer(buffer);
                    }
                    src.endOfStream();
                });
        assertNull(run.error(), run.error());
        List<GstTestSupport.Frame> frames = run.frames();
        assertEquals(rgbFrames.size(), frames.size());
        return frames.stream().map(GstTestSupport.Frame::data).toList();
    }

    /** PSNR between two 8-bit frames of the same layout. */
    private static double psnr(byte[] a, byte[] b) {
        double squared = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (a[i] & 0xff) - (b[i] & 0xff);
            squared += d * d;
        }
        return psnr(squared, a.length);
    }

    private static double psnr(double squaredError, long count) {
        return squaredError == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / (squaredError / count));
    }

    /** Packed RGB (rows padded to 4 bytes) of the image shrunk by averaging each SCALE x SCALE block. */
    private static byte[] areaDownscale(BufferedImage image, int width, int height) {
        int stride = (width * 3 + 3) & ~3;
        byte[] out = new byte[stride * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int[] sum = new int[3];
                for (int dy = 0; dy < SCALE; dy++) {
                    for (int dx = 0; dx < SCALE; dx++) {
                        int rgb = image.getRGB(x * SCALE + dx, y * SCALE + dy);
                        sum[0] += (rgb >> 16) & 0xff;
                        sum[1] += (rgb >> 8) & 0xff;
                        sum[2] += rgb & 0xff;
                    }
                }
                for (int c = 0; c < 3; c++) {
                    out[y * stride + x * 3 + c] = (byte) Math.round(sum[c] / (float) (SCALE * SCALE));
                }
            }
        }
        return out;
    }

    /** PSNR of BT.601 luma (8-bit units), with a border of SCALE pixels left out. */
    private static double psnrY(BufferedImage truth, byte[] rgb) {
        int width = truth.getWidth() / SCALE * SCALE;
        int height = truth.getHeight() / SCALE * SCALE;
        int stride = (width * 3 + 3) & ~3;
        double squared = 0;
        long count = 0;
        for (int y = SCALE; y < height - SCALE; y++) {
            for (int x = SCALE; x < width - SCALE; x++) {
                int t = truth.getRGB(x, y);
                double yTruth = luma((t >> 16) & 0xff, (t >> 8) & 0xff, t & 0xff);
                int o = y * stride + x * 3;
                double yOut = luma(rgb[o] & 0xff, rgb[o + 1] & 0xff, rgb[o + 2] & 0xff);
                squared += (yTruth - yOut) * (yTruth - yOut);
                count++;
            }
        }
        return 10 * Math.log10(255.0 * 255.0 / (squared / count));
    }

    private static double luma(int r, int g, int b) {
        return 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255.0;
    }
}
