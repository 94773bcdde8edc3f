package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareCommandTest {

    private static final int W = 160;
    private static final int H = 120;

    @TempDir
    static Path inputs;

    @TempDir
    Path dir;

    private static Path red;
    private static Path blue;

    /** Solid-colour H.264 clips: red with 5 frames, blue with 8 (the shorter one decides the length). */
    @BeforeAll
    static void clips() {
        red = solid("red.mp4", "red", 5, W, H);
        blue = solid("blue.mp4", "blue", 8, W, H);
    }

    private static Path solid(String name, String pattern, int frames, int width, int height) {
        return CliTestSupport.encode(inputs.resolve(name), String.format(Locale.ROOT,
                "videotestsrc pattern=%s num-buffers=%d ! video/x-raw,format=I420,width=%d,height=%d,framerate=25/1"
                        + " ! x264enc ! h264parse ! mp4mux", pattern, frames, width, height));
    }

    private static boolean isRed(int rgb) {
        return isPrimary(rgb, 16);
    }

    private static boolean isBlue(int rgb) {
        return isPrimary(rgb, 0);
    }

    /** Near-full in the channel at {@code shift} and near-zero in the other two (after H.264). */
    private static boolean isPrimary(int rgb, int shift) {
        for (int s = 0; s <= 16; s += 8) {
            int v = rgb >> s & 0xff;
            if (s == shift ? v <= 200 : v >= 60) {
                return false;
            }
        }
        return true;
    }

    @Test
    void splitStillTakesTheLeftHalfFromAAndTheRightHalfFromB() throws IOException {
        Path out = dir.resolve("split.png");
        CliTestSupport.Result r = CliTestSupport.run("compare", red.toString(), blue.toString(), out.toString(),
                "--frame", "4", "--labels", ",");
        assertEquals(0, r.code(), r::toString);
        BufferedImage image = ImageIO.read(out.toFile());
        assertEquals(W, image.getWidth());
        assertEquals(H, image.getHeight());
        int half = W / 2;
        for (int y = 0; y < H; y += 7) {
            for (int x = 0; x < W; x++) {
                int rgb = image.getRGB(x, y);
                if (x < half - ComparisonFrame.DIVIDER / 2) {
                    assertTrue(isRed(rgb), "A's red at " + x + "," + y + ": " + Integer.toHexString(rgb));
                } else if (x >= half + ComparisonFrame.DIVIDER / 2) {
                    assertTrue(isBlue(rgb), "B's blue at " + x + "," + y + ": " + Integer.toHexString(rgb));
                } else {
                    assertEquals(0xffffff, rgb & 0xffffff, "divider at " + x + "," + y);
                }
            }
        }
    }

    @Test
    void stillImagesAreInputsToo() throws IOException {
        Path out = dir.resolve("images.png");
        CliTestSupport.Result r = CliTestSupport.run("compare", png("red.png", 0xff0000).toString(),
                png("blue.png", 0x0000ff).toString(), out.toString(), "--labels", ",");
        assertEquals(0, r.code(), r::toString);
        BufferedImage image = ImageIO.read(out.toFile());
        assertEquals(0xff0000, image.getRGB(0, 40) & 0xffffff, "PNG decodes losslessly");
        assertEquals(0x0000ff, image.getRGB(63, 40) & 0xffffff);
    }

    private Path png(String name, int rgb) throws IOException {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        Path file = dir.resolve(name);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    @Test
    void sideBySideIsTwiceAsWideAndLabelled() throws IOException {
        Path out = dir.resolve("sbs.png");
        CliTestSupport.Result r = CliTestSupport.run("compare", red.toString(), blue.toString(), out.toString(),
                "--mode", "side-by-side", "--labels", "bicubic,model");
        assertEquals(0, r.code(), r::toString);
        BufferedImage image = ImageIO.read(out.toFile());
        assertEquals(2 * W, image.getWidth());
        assertTrue(isRed(image.getRGB(W - 1, H - 1)) && isBlue(image.getRGB(W, H - 1)));
        assertTrue(countWhite(image, 0, W) > 20, "label text drawn over A");
        assertTrue(countWhite(image, W, 2 * W) > 20, "label text drawn over B");
    }

    /** Near-white pixels in the label band at the top, between columns x0 and x1. */
    private static int countWhite(BufferedImage image, int x0, int x1) {
        int n = 0;
        for (int y = 0; y < 40; y++) {
            for (int x = x0; x < x1; x++) {
                n += (image.getRGB(x, y) & 0xffffff) > 0xe0e0e0 ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void videoStopsAtTheShorterInputAndWarns() {
        Path out = dir.resolve("cmp.mp4");
        CliTestSupport.Result r = CliTestSupport.run("compare", blue.toString(), red.toString(), out.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("has more frames than B (" + red + "), which has 5"), r::toString);
        CliTestSupport.VideoInfo info = CliTestSupport.decode(out);
        assertEquals(new CliTestSupport.VideoInfo(5, W, H), info);
    }

    @Test
    void bOfAnotherSizeIsResizedToAsAndNoted() throws IOException {
        Path big = solid("big-blue.mkv", "blue", 2, 2 * W, 2 * H);
        Path out = dir.resolve("resized.png");
        CliTestSupport.Result r = CliTestSupport.run("compare", red.toString(), big.toString(), out.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("is " + 2 * W + "x" + 2 * H + ": B is resized to A's size"), r::toString);
        BufferedImage image = ImageIO.read(out.toFile());
        assertEquals(W, image.getWidth());
        assertTrue(isBlue(image.getRGB(W - 1, H - 1)), Integer.toHexString(image.getRGB(W - 1, H - 1)));
    }

    @Test
    void badInputsFailClearlyAndLeaveNothingAtOut() throws IOException {
        Path out = dir.resolve("out.png");
        CliTestSupport.Result missing = CliTestSupport.run("compare", dir.resolve("nope.mp4").toString(),
                blue.toString(), out.toString());
        assertEquals(2, missing.code(), missing::toString);
        assertTrue(missing.err().contains("A '" + dir.resolve("nope.mp4") + "' does not exist"), missing::toString);

        Path text = Files.writeString(dir.resolve("notes.mp4"), "not a video");
        CliTestSupport.Result notVideo = CliTestSupport.run("compare", red.toString(), text.toString(), out.toString());
        assertEquals(1, notVideo.code(), notVideo::toString);
        assertTrue(notVideo.err().contains("cannot read B (" + text + ") as a video or image"), notVideo::toString);

        Path wav = CliTestSupport.encodeAudio(dir.resolve("tone.wav"));
        CliTestSupport.Result audio = CliTestSupport.run("compare", wav.toString(), red.toString(), out.toString());
        assertEquals(1, audio.code(), audio::toString);
        assertTrue(audio.err().contains("no video stream"), audio::toString);

        CliTestSupport.Result past = CliTestSupport.run("compare", red.toString(), blue.toString(), out.toString(),
                "--frame", "5");
        assertEquals(1, past.code(), past::toString);
        assertTrue(past.err().contains("A (" + red + ") has only 5 frames; --frame 5 is past its end"), past::toString);

        assertEquals(2, CliTestSupport.run("compare", red.toString(), blue.toString(), out.toString(), "--mode",
                "diagonal").code());
        assertEquals(2, CliTestSupport.run("compare", red.toString(), blue.toString(), dir.resolve("x.gif")
                .toString()).code());
        assertEquals(2, CliTestSupport.run("compare", red.toString(), blue.toString(), out.toString(), "--labels",
                "one").code());
        CliTestSupport.Result frameOfVideo = CliTestSupport.run("compare", red.toString(), blue.toString(),
                dir.resolve("out.mp4").toString(), "--frame", "2");
        assertEquals(2, frameOfVideo.code(), frameOfVideo::toString);
        assertTrue(frameOfVideo.err().contains("--frame is for a .png still"), frameOfVideo::toString);
        try (Stream<Path> left = Files.list(dir)) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().contains("out.")), "nothing at OUT");
        }
    }
}
