package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.DiffusionOptions;
import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.flashvsr.GoldenPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.freedesktop.gstreamer.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code flashvsr upscale} with a FlashVSR package (the golden tiny release) and its diffusion options. */
class UpscaleFlashVsrTest {
    private static final int FRAMES = 30;
    private static final int WIDTH = 64;
    private static final int HEIGHT = 32;

    @TempDir
    static Path shared;
    static Path pkg;
    static Path clip;

    @TempDir
    Path dir;

    @BeforeAll
    static void importPackageAndMakeClip() throws IOException {
        pkg = shared.resolve("tiny");
        CliTestSupport.Result imported = CliTestSupport.run("import", GoldenPipeline.release(GoldenData.root()).toString(),
                pkg.toString());
        assertEquals(0, imported.code(), imported::toString);
        clip = CliTestSupport.makeClip(shared, "clip.mp4", WIDTH, HEIGHT, FRAMES);
    }

    @Test
    void upscalesAClipWithAFlashVsrPackage() {
        Path out = dir.resolve("up.mp4");
        CliTestSupport.Result r = CliTestSupport.run("upscale", clip.toString(), out.toString(), "--model",
                pkg.toString(), "--color-fix", "wavelet", "--seed", "7", "--quiet");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("upscaled " + FRAMES + " frames"), r::toString);
        assertEquals(new CliTestSupport.VideoInfo(FRAMES, 4 * WIDTH, 4 * HEIGHT), CliTestSupport.decode(out));
    }

    @Test
    void aNoiseFileShorterThanTheClipGivesEveryFrameAndAWarning() throws IOException {
        // 30 frames need 10 latent frames; the file holds the golden run's 8 (the last chunk's 2 are generated).
        Path out = dir.resolve("up.mp4");
        GoldenPipeline golden;
        try {
            golden = GoldenPipeline.load(GoldenData.root());
        } catch (dev.flashvsr.engine.EngineException e) {
            throw new IllegalStateException(e);
        }
        CliTestSupport.Result r = CliTestSupport.run("upscale", clip.toString(), out.toString(), "--model",
                pkg.toString(), "--noise-file", golden.noiseFile().toString(), "--quiet");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("flashvsr: warning: flashvsrfilter: the noise file " + golden.noiseFile()
                + " holds 8 latent frames") && r.err().contains("output frames from 29 on"), r::toString);
        assertEquals(new CliTestSupport.VideoInfo(FRAMES, 4 * WIDTH, 4 * HEIGHT), CliTestSupport.decode(out));
    }

    @Test
    void diffusionOptionsBecomeElementProperties() {
        Path noise = dir.resolve("noise.safetensors");
        UpscaleCommand command = new UpscaleCommand();
        new CommandLine(command).parseArgs("in.mp4", "out.mp4", "--color-fix", "none", "--upstream-reference",
                "--seed", "12345678901", "--noise-file", noise.toString());
        GstSupport.init();
        Element filter = command.createFilter();
        try {
            assertEquals(DiffusionOptions.ColorFix.NONE.ordinal(), filter.get("color-fix"));
            assertEquals(true, filter.get("upstream-reference"));
            assertEquals(12345678901L, ((Number) filter.get("seed")).longValue());
            assertEquals(noise.toAbsolutePath().toString(), filter.get("noise-file"));
        } finally {
            filter.dispose();
        }
    }

    @Test
    void upstreamReferenceReachesTheRunningElement() {
        // Twice 64x32 is below upstream's 128-pixel crop: only the element knows, once the stream starts.
        Path out = dir.resolve("up.mp4");
        CliTestSupport.Result r = CliTestSupport.run("upscale", clip.toString(), out.toString(), "--model",
                pkg.toString(), "--scale", "2", "--upstream-reference", "--quiet");
        assertEquals(FlashVsrCli.EXIT_FAILURE, r.code(), r::toString);
        assertTrue(r.err().contains("at least 128x128"), r::toString);
        assertFalse(Files.exists(out), "partial output must be deleted");
    }

    @Test
    void unknownColorFixIsAUsageError() {
        CliTestSupport.Result r = CliTestSupport.run("upscale", clip.toString(), dir.resolve("o.mp4").toString(),
                "--color-fix", "sepia");
        assertEquals(FlashVsrCli.EXIT_USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("--color-fix must be adain, wavelet or none"), r::toString);
    }

    @Test
    void missingNoiseFileIsAUsageError() {
        Path missing = dir.resolve("no-noise.safetensors");
        CliTestSupport.Result r = CliTestSupport.run("upscale", clip.toString(), dir.resolve("o.mp4").toString(),
                "--noise-file", missing.toString());
        assertEquals(FlashVsrCli.EXIT_USAGE, r.code(), r::toString);
        assertTrue(r.err().contains(missing.toString()), r::toString);
    }

    @Test
    void aFifoAsNoiseFileIsAUsageErrorWithoutBlocking() throws Exception {
        Path fifo = dev.flashvsr.engine.files.SpecialFiles.fifo(dir.resolve("noise.fifo"));
        CliTestSupport.Result r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(30), () -> CliTestSupport.run("upscale", clip.toString(),
                        dir.resolve("o.mp4").toString(), "--noise-file", fifo.toString()));
        assertEquals(FlashVsrCli.EXIT_USAGE, r.code(), r::toString);
        assertTrue(r.err().contains(fifo.toString()) && r.err().contains("FIFO"), r::toString);
    }
}
