package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    void aPrecisionTheModelHasRuns() {
        Path out = dir.resolve("fp32.mp4");
        CliTestSupport.Result r = CliTestSupport.run("upscale", clip.toString(), out.toString(), "--scale=2",
                "--model", "bicubic", "--precision", "FP32");
        assertEquals(0, r.code(), r::toString);
        assertEquals(new CliTestSupport.VideoInfo(FRAMES, 128, 96), CliTestSupport.decode(out));
    }

    /** bicubic has only fp32, whatever variants the shipped neural packages gain. */
    @Test
    void aPrecisionTheModelLacksFailsNamingThoseItHas() {
        Path out = dir.resolve("int8.mp4");
        CliTestSupport.Result r = CliTestSupport.run("upscale", clip.toString(), out.toString(), "--quiet",
                "--model", "bicubic", "--precision", "int8");
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("model 'bicubic' has no int8 variant") && r.err().contains("it has fp32"),
                r::toString);
        assertFalse(Files.exists(out), "partial output must be deleted");
    }

    @Test
    void anUnknownPrecisionIsAUsageErrorNamingTheValidOnes() {
        CliTestSupport.Result r = CliTestSupport.run("upscale", clip.toString(), dir.resolve("o.mp4").toString(),
                "--precision", "fp8");
        assertEquals(2, r.code(), r::toString);
        assertEquals("flashvsr: error: --precision must be one of auto, fp32, fp16, bf16, int8, not 'fp8'",
                r.err().strip());
    }

    @Test
    void anUnknownBackendIsAUsageErrorNamingTheValidOnes() {
        CliTestSupport.Result r = CliTestSupport.run("upscale", clip.toString(), dir.resolve("o.mp4").toString(),
                "--backend", "gpu");
        assertEquals(2, r.code(), r::toString);
        assertEquals("flashvsr: error: --backend must be one of auto, cpu, tensorrt, cuda, not 'gpu'", r.err().strip());
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
        assertTrue(r.err().contains("must end in .mp4, .mov or .mkv"), r::toString);
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

    /** OUT naming IN through a link, a hard link, a linked folder or another spelling is refused; IN is kept. */
    @ParameterizedTest
    @ValueSource(strings = {"link", "hard link", "linked folder", "dot slash", "same path"})
    void outputThatIsTheInputIsRefused(String how) throws IOException {
        Path in = Files.copy(clip, dir.resolve("in.mp4"));
        byte[] original = Files.readAllBytes(in);
        String out = switch (how) {
            case "link" -> Files.createSymbolicLink(dir.resolve("link.mp4"), in.getFileName()).toString();
            case "hard link" -> Files.createLink(dir.resolve("hard.mp4"), in).toString();
            case "linked folder" -> Files.createSymbolicLink(dir.resolve("dirlink"), Path.of("."))
                    .resolve("in.mp4").toString();
            case "dot slash" -> dir.resolve(".").resolve("in.mp4").toString();
            default -> in.toString();
        };
        List<String> before = StagedOutputTest.entries(dir);

        CliTestSupport.Result r = CliTestSupport.run("upscale", in.toString(), out, "--model", "bicubic");
        assertEquals(FlashVsrCli.EXIT_USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("is the same file as IN"), r::toString);
        assertEquals(1, r.err().strip().lines().count(), r::toString);
        assertArrayEquals(original, Files.readAllBytes(in), "IN must be untouched");
        assertEquals(before, StagedOutputTest.entries(dir));
    }

    @Test
    void outputThatIsTheNoiseFileIsRefused() throws IOException {
        Path noise = Files.writeString(dir.resolve("noise.mp4"), "noise");
        CliTestSupport.Result r = CliTestSupport.run("upscale", clip.toString(), noise.toString(), "--noise-file",
                noise.toString());
        assertEquals(FlashVsrCli.EXIT_USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("is the same file as --noise-file"), r::toString);
        assertEquals("noise", Files.readString(noise));
    }

    /** Each way a run fails leaves a file already at OUT byte for byte as it was, and nothing beside it. */
    @ParameterizedTest
    @ValueSource(strings = {"misspelt model", "not a video", "audio only", "corrupt", "unusable backend"})
    void aFailedRunLeavesAnExistingOutputAsItWas(String how) throws IOException {
        Path out = Files.writeString(dir.resolve("out.mp4"), "precious earlier result");
        byte[] earlier = Files.readAllBytes(out);
        Path in = clip;
        String model = "bicubic";
        String backend = "auto";
        switch (how) {
            case "misspelt model" -> model = "vsr-smal";
            case "not a video" -> in = Files.writeString(dir.resolve("notes.txt"), "not a video\n");
            case "audio only" -> in = CliTestSupport.encodeAudio(dir.resolve("tone.wav"));
            case "corrupt" -> {
                byte[] noise = new byte[64 * 1024];
                new Random(7).nextBytes(noise);
                in = Files.write(dir.resolve("corrupt.mp4"), noise);
            }
            default -> backend = "tensorrt";
        }
        String[] args = {"upscale", in.toString(), out.toString(), "--quiet", "--model", model, "--backend", backend};
        List<String> before = StagedOutputTest.entries(dir);

        CliTestSupport.Result r = CliTestSupport.run(args);
        assertEquals(FlashVsrCli.EXIT_FAILURE, r.code(), r::toString);
        assertTrue(r.err().startsWith("flashvsr: error: "), r::toString);
        assertFalse(r.err().contains("\tat "), () -> "no stack trace without --debug: " + r);
        assertArrayEquals(earlier, Files.readAllBytes(out), "OUT must be untouched");
        assertEquals(before, StagedOutputTest.entries(dir), "no temporary file is left");
    }

    @Test
    void aLinkAtTheOutputIsReplacedAndTheFileItNamedKept() throws IOException {
        Path other = Files.writeString(dir.resolve("other.mp4"), "someone else's file");
        Path out = Files.createSymbolicLink(dir.resolve("out.mp4"), other.getFileName());
        CliTestSupport.Result r = CliTestSupport.run("upscale", clip.toString(), out.toString(), "--model", "bicubic",
                "--scale", "2", "--quiet");
        assertEquals(0, r.code(), r::toString);
        assertFalse(Files.isSymbolicLink(out), "the link itself is replaced, like mv does");
        assertEquals(new CliTestSupport.VideoInfo(FRAMES, 128, 96), CliTestSupport.decode(out));
        assertEquals("someone else's file", Files.readString(other));
        assertEquals(List.of("other.mp4", "out.mp4"), StagedOutputTest.entries(dir));
    }

    @Test
    void aSuccessfulRunReplacesAnExistingOutput() throws IOException {
        Path out = Files.writeString(dir.resolve("out.mp4"), "old");
        CliTestSupport.Result r = CliTestSupport.run("upscale", clip.toString(), out.toString(), "--model", "bicubic",
                "--quiet");
        assertEquals(0, r.code(), r::toString);
        assertEquals(new CliTestSupport.VideoInfo(FRAMES, 256, 192), CliTestSupport.decode(out));
        assertFalse(r.err().contains("warning"), () -> "a complete input does not warn: " + r);
        assertEquals(List.of("out.mp4"), StagedOutputTest.entries(dir));
    }

    /** An MP4 with its index at the front, cut at 30%: it still declares 120 frames. */
    @Test
    void aTruncatedInputIsUpscaledAsFarAsItGoesWithAWarning() throws IOException {
        Path whole = CliTestSupport.encodeClip(dir.resolve("whole.mp4"), 64, 48, 120);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.mp4"), Arrays.copyOf(bytes, bytes.length * 3 / 10));
        Path out = dir.resolve("out.mp4");

        CliTestSupport.Result r = CliTestSupport.run("upscale", cut.toString(), out.toString(), "--model", "bicubic",
                "--quiet");
        assertEquals(0, r.code(), r::toString);
        Matcher m = Pattern.compile("flashvsr: warning: " + Pattern.quote(cut.toString()) + " declares 120 frames"
                + " \\(4\\.00 s at 30/1\\) but only (\\d+) could be decoded: the input is truncated or damaged")
                .matcher(r.err());
        assertTrue(m.find(), r::toString);
        int decoded = Integer.parseInt(m.group(1));
        assertTrue(decoded > 0 && decoded < 120, r::toString);
        assertEquals(new CliTestSupport.VideoInfo(decoded, 256, 192), CliTestSupport.decode(out));
        assertTrue(r.err().contains("upscaled " + decoded + " frames"), r::toString);

        CliTestSupport.Result complete = CliTestSupport.run("upscale", whole.toString(), out.toString(), "--model",
                "bicubic", "--quiet");
        assertEquals(0, complete.code(), complete::toString);
        assertFalse(complete.err().contains("warning"), complete::toString);
        assertTrue(complete.err().contains("upscaled 120 frames"), complete::toString);
    }

    /**
     * Cut right after its index: the MP4 declares 120 frames and holds none. (Not cut inside the
     * index: qtdemux then fails at once, and decodebin 1.22 can lose that error when the demuxer's
     * thread is reused from an earlier pipeline in the same process, leaving the pipeline waiting.)
     */
    @Test
    void anInputCutBeforeItsFirstFrameFails() throws IOException {
        Path whole = CliTestSupport.encodeClip(dir.resolve("whole.mp4"), 64, 48, 120);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.mp4"), Arrays.copyOf(bytes, firstFrameOffset(bytes)));
        Path out = Files.writeString(dir.resolve("out.mp4"), "old");
        CliTestSupport.Result r = CliTestSupport.run("upscale", cut.toString(), out.toString(), "--model", "bicubic",
                "--quiet");
        assertEquals(FlashVsrCli.EXIT_FAILURE, r.code(), r::toString);
        assertTrue(r.err().contains("no video frame of '" + cut + "' could be decoded"), r::toString);
        assertEquals("old", Files.readString(out));
    }

    /** Where the media data of an MP4 starts: just after the header of its top-level mdat box. */
    private static int firstFrameOffset(byte[] mp4) {
        ByteBuffer boxes = ByteBuffer.wrap(mp4);
        int at = 0;
        while (at + 8 <= mp4.length) {
            int size = boxes.getInt(at);
            if (new String(mp4, at + 4, 4, StandardCharsets.US_ASCII).equals("mdat")) {
                return at + 8;
            }
            at += size;
        }
        throw new IllegalArgumentException("no mdat box");
    }

    @Test
    void maxMemoryTilesLargeFramesWithANoteOrFailsNamingIt(@TempDir Path dir) throws IOException {
        Path small = CliTestSupport.makeClip(dir, "small.mp4", 160, 96, 3);
        Path out = dir.resolve("up.mp4");
        CliTestSupport.Result tiled = CliTestSupport.run("upscale", small.toString(), out.toString(), "--max-memory",
                "40", "--quiet");
        assertEquals(0, tiled.code(), tiled::toString);
        assertTrue(tiled.err().contains("flashvsr: note: flashvsrfilter: 160x96 at scale 4")
                && tiled.err().contains("tiling automatically with tile-size"), tiled::toString);
        assertEquals(new CliTestSupport.VideoInfo(3, 640, 384), CliTestSupport.decode(out));
        CliTestSupport.Result tooSmall = CliTestSupport.run("upscale", small.toString(), dir.resolve("no.mp4")
                .toString(), "--max-memory", "16", "--quiet");
        assertEquals(FlashVsrCli.EXIT_FAILURE, tooSmall.code(), tooSmall::toString);
        assertTrue(tooSmall.err().contains("max-memory=16") && tooSmall.err().contains("tile-size"), tooSmall::toString);
        CliTestSupport.Result zero = CliTestSupport.run("upscale", small.toString(), dir.resolve("no.mp4").toString(),
                "--max-memory", "0");
        assertEquals(FlashVsrCli.EXIT_USAGE, zero.code(), zero::toString);
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
        // The line naming the encoder, then the error.
        List<String> lines = r.err().lines().toList();
        assertTrue(lines.get(0).startsWith("flashvsr: encoder "), r::toString);
        assertTrue(lines.get(1).startsWith("flashvsr: error: "), r::toString);
        assertTrue(lines.get(1).length() > "flashvsr: error: ".length() + 5, r::toString);
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
