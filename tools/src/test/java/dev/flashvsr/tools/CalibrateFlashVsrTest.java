package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.flashvsr.FlashVsrCalibration;
import dev.flashvsr.engine.flashvsr.FlashVsrPackage;
import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.flashvsr.GoldenPipeline;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flashvsr calibrate} on a FlashVSR package (the golden tiny release): int8 scales from a
 * stream of PNG frames, after which the package runs at {@code --precision int8}.
 */
class CalibrateFlashVsrTest {
    private static final int WIDTH = 64;
    private static final int HEIGHT = 32;

    @TempDir
    static Path shared;
    static Path frames;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeStream() throws IOException {
        frames = Files.createDirectories(shared.resolve("frames"));
        for (int i = 0; i < FlashVsrCalibration.MIN_FRAMES; i++) {
            ImageIO.write(movingGradient(i), "png", frames.resolve(String.format(Locale.ROOT, "%05d.png", i)).toFile());
        }
    }

    /** A diagonal gradient with a bright square that moves two pixels a frame. */
    private static BufferedImage movingGradient(int frame) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                boolean square = Math.abs(x - 2 * frame % WIDTH) < 6 && Math.abs(y - HEIGHT / 2) < 6;
                int v = square ? 240 : (x * 3 + y * 2) % 256;
                image.setRGB(x, y, (v << 16) | ((255 - v) << 8) | (v / 2));
            }
        }
        return image;
    }

    private Path importTiny() {
        Path pkg = dir.resolve("tiny");
        CliTestSupport.Result imported = CliTestSupport.run("import", GoldenPipeline.release(GoldenData.root()).toString(),
                pkg.toString());
        assertEquals(0, imported.code(), imported::toString);
        return pkg;
    }

    @Test
    void aStreamOfFramesCalibratesTheDitAndInt8Runs() throws IOException {
        Path pkg = importTiny();
        CliTestSupport.Result r = CliTestSupport.run("calibrate", pkg.toString(), "--images", frames.toString(),
                "--method", "p99.99");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("(int8 scales, method p99.99, x4)"), r::toString);
        assertTrue(FlashVsrPackage.declaresInt8Scales(pkg), r::toString);

        Path clip = CliTestSupport.makeClip(dir, "clip.mp4", WIDTH, HEIGHT, 9);
        Path out = dir.resolve("up.mp4");
        CliTestSupport.Result up = CliTestSupport.run("upscale", clip.toString(), out.toString(), "--model",
                pkg.toString(), "--precision", "int8", "--quiet");
        assertEquals(0, up.code(), up::toString);
        assertEquals(new CliTestSupport.VideoInfo(9, 4 * WIDTH, 4 * HEIGHT), CliTestSupport.decode(out));
    }

    @Test
    void badStreamsFailAndWriteNothing() throws IOException {
        Path pkg = importTiny();
        String manifest = Files.readString(pkg.resolve(FlashVsrPackage.MANIFEST));

        CliTestSupport.Result two = CliTestSupport.run("calibrate", pkg.toString(), "--images", frames.toString(),
                frames.toString());
        assertEquals(2, two.code(), two::toString);
        assertTrue(two.err().contains("give --images one folder of PNG frames"), two::toString);
        CliTestSupport.Result method = CliTestSupport.run("calibrate", pkg.toString(), "--images",
                frames.toString(), "--method", "entropy");
        assertEquals(2, method.code(), method::toString);
        assertTrue(method.err().contains("method must be max or p99.99, not 'entropy'"), method::toString);

        Path few = Files.createDirectories(dir.resolve("few"));
        for (int i = 0; i < 5; i++) {
            ImageIO.write(movingGradient(i), "png", few.resolve(i + ".png").toFile());
        }
        CliTestSupport.Result tooFew = CliTestSupport.run("calibrate", pkg.toString(), "--images", few.toString());
        assertEquals(1, tooFew.code(), tooFew::toString);
        assertTrue(tooFew.err().contains(String.valueOf(FlashVsrCalibration.MIN_FRAMES)), tooFew::toString);
        assertEquals(manifest, Files.readString(pkg.resolve(FlashVsrPackage.MANIFEST)));
        assertFalse(FlashVsrPackage.declaresInt8Scales(pkg));
        try (var files = Files.list(pkg)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("int8-scales")), pkg::toString);
        }
    }
}
