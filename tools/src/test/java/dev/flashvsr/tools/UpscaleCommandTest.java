package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flashvsr upscale} end to end: real GStreamer, real files, the real element. */
class UpscaleCommandTest {

    private static final int FRAMES = 12;

    @TempDir
    static Path shared;
    static Path clip;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeClip() throws IOException {
        clip = CliTestSupport.makeClip(shared, "clip-64x48.mp4", 64, 48, FRAMES);
        assertEquals(new CliTestSupport.VideoInfo(FRAMES, 64, 48), CliTestSupport.decode(clip));
    }

    @Test
    void upscalesFourTimesToMp4() {
        Path out = dir.resolve("up4.mp4");
        CliTestSupport.Result r = CliTestSupport.run("upscale", clip.toString(), out.toString(), "--quiet");
        assertEquals(0, r.code(), r::toString);
        assertEquals(new CliTestSupport.VideoInfo(FRAMES, 256, 192), CliTestSupport.decode(out));
        assertTrue(r.err().contains("upscaled " + FRAMES + " frames"), r::toString);
        assertTrue(r.err().contains(out.toString()), r::toString);
    }

    @Test
    void upscalesTwiceToMp4() {
        Path out = dir.resolve("up2.mp4");
        CliTestSupport.Result r = CliTestSupport.run("upscale", "--scale", "2", clip.toString(), out.toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals(new CliTestSupport.VideoInfo(FRAMES, 128, 96), CliTestSupport.decode(out));
    }

    @Test
    void writesMatroska() throws IOException {
        Path out = dir.resolve("up.mkv");
        CliTestSupport.Result r = CliTestSupport.run("upscale", clip.toString(), out.toString(), "--scale=2",
                "--model", "bicubic", "--backend", "cpu");
        assertEquals(0, r.code(), r::toString);
        byte[] head = firstBytes(out);
        // EBML magic: a Matroska file, not an MP4 with a different name.
        assertEquals(0x1A, head[0] & 0xff);
        assertEquals(0x45, head[1] & 0xff);
        assertEquals(new CliTestSupport.VideoInfo(FRAMES, 128, 96), CliTestSupport.decode(out));
    }

    @Test
    void missingInputIsAUsageError() {
        Path missing = dir.resolve("no-such-clip.mp4");
        CliTestSupport.Result r = CliTestSupport.run("upscale", missing.toString(), dir.resolve("o.mp4").toString());
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("no-such-clip.mp4"), r::toString);
        assertEquals(1, r.err().strip().lines().count(), r::toString);
    }

    @Test
    void unknownOutputExtensionIsAUsageError() {
        CliTestSupport.Result r = CliTestSupport.run("upscale", clip.toString(), dir.resolve("o.avi").toString());
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains(".mp4 or .mkv"), r::toString);
        assertFalse(Files.exists(dir.resolve("o.avi")));
    }

    @Test
    void unsupportedScaleIsAUsageError() {
        CliTestSupport.Result r = CliTestSupport.run("upscale", "--scale", "3", clip.toString(),
                dir.resolve("o.mp4").toString());
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("--scale"), r::toString);
    }

    @Test
    void missingOutputDirectoryIsAUsageError() {
        Path out = dir.resolve("missing-dir").resolve("o.mp4");
        CliTestSupport.Result r = CliTestSupport.run("upscale", clip.toString(), out.toString());
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("missing-dir"), r::toString);
    }

    @Test
    void corruptInputFailsAndLeavesNoOutput() throws IOException {
        Path corrupt = dir.resolve("corrupt.mp4");
        byte[] noise = new byte[64 * 1024];
        new Random(42).nextBytes(noise);
        Files.write(corrupt, noise);
        Path out = dir.resolve("o.mp4");
        CliTestSupport.Result r = CliTestSupport.run("upscale", corrupt.toString(), out.toString());
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().startsWith("flashvsr: error: "), r::toString);
        assertTrue(r.err().length() > "flashvsr: error: ".length() + 5, r::toString);
        assertFalse(Files.exists(out), "partial output must be deleted");
    }

    @Test
    void missingModelFailsNamingThePath() {
        Path out = dir.resolve("o.mp4");
        CliTestSupport.Result r = CliTestSupport.run("upscale", "--model", "/nonexistent", clip.toString(),
                out.toString());
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("/nonexistent"), r::toString);
        assertFalse(Files.exists(out), "partial output must be deleted");
    }

    private static byte[] firstBytes(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return in.readNBytes(4);
        }
    }
}
