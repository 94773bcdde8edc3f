package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.PadLinkException;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flashvsr upscale --codec/--encoder/--bit-depth} with the software encoders installed here,
 * each output checked at the stream level: its codec caps as the demuxer and parser give them, and
 * its frame count.
 */
class UpscaleCodecTest {

    private static final int FRAMES = 6;
    private static final GstEncoderSupport INSTALLED = new GstEncoderSupport();

    @TempDir
    static Path shared;
    static Path clip;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeClip() {
        clip = CliTestSupport.encodeClip(shared.resolve("clip.mp4"), 64, 48, FRAMES);
    }

    /** The caps of the one video stream of a file (filesrc ! parsebin) and how many frames it holds. */
    record Stream(String caps, long frames) {
    }

    @Test
    void h264IsTheDefaultAndSaysWhichEncoder() {
        Path out = dir.resolve("up.mp4");
        CliTestSupport.Result r = upscale(out);
        assertEquals(0, r.code(), r::toString);
        assumeNoHardware("nvh264enc", "nvv4l2h264enc", "vah264enc", "vaapih264enc");
        assertTrue(r.err().contains("flashvsr: encoder x264enc (software; no usable hardware H.264 encoder:"
                + " nvh264enc, nvv4l2h264enc, vah264enc, vaapih264enc not installed)"), r::toString);
        Stream s = stream(out);
        assertTrue(s.caps().startsWith("video/x-h264") && s.caps().contains("profile=(string)high,"), s::toString);
        assertEquals(FRAMES, s.frames());
    }

    @Test
    void ffv1InMatroska() {
        Path out = dir.resolve("up.mkv");
        CliTestSupport.Result r = upscale(out, "--codec", "ffv1");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("flashvsr: encoder avenc_ffv1 (software)"), r::toString);
        Stream s = stream(out);
        assertTrue(s.caps().startsWith("video/x-ffv"), s::toString);
        assertEquals(FRAMES, s.frames());
        assertEquals(new CliTestSupport.VideoInfo(FRAMES, 128, 96), CliTestSupport.decode(out));
    }

    @Test
    void proResInQuickTimeIsTenBit() {
        Path out = dir.resolve("up.mov");
        CliTestSupport.Result r = upscale(out, "--codec", "PRORES");
        assertEquals(0, r.code(), r::toString);
        Stream s = stream(out);
        assertTrue(s.caps().startsWith("video/x-prores"), s::toString);
        assertEquals(FRAMES, s.frames());
        Stream decoded = stream(out, "decodebin");
        assertTrue(decoded.caps().contains("format=(string)I422_10LE"), decoded::toString);
    }

    @Test
    void tenBitH265WithTheEncoderForced() {
        assumeTrue(INSTALLED.installed("x265enc"), "x265enc (gstreamer1.0-plugins-bad) is not installed");
        Path out = dir.resolve("up10.mkv");
        CliTestSupport.Result r = upscale(out, "--encoder", "x265enc", "--bit-depth", "10", "--quality", "30");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("flashvsr: encoder x265enc (--encoder)"), r::toString);
        Stream s = stream(out);
        assertTrue(s.caps().startsWith("video/x-h265") && s.caps().contains("profile=(string)main-10"), s::toString);
        assertEquals(FRAMES, s.frames());
    }

    @Test
    void av1InMp4() {
        assumeTrue(INSTALLED.installed("av1enc"), "av1enc (gstreamer1.0-plugins-bad) is not installed");
        Path out = dir.resolve("up-av1.mp4");
        CliTestSupport.Result r = upscale(out, "--codec", "av1", "--quality", "40");
        assertEquals(0, r.code(), r::toString);
        Stream s = stream(out);
        assertTrue(s.caps().startsWith("video/x-av1"), s::toString);
        assertEquals(FRAMES, s.frames());
    }

    /**
     * Folders: the encoder is chosen and named once; an .mp4 input's output becomes .mkv when MP4
     * cannot hold the codec.
     */
    @Test
    void foldersChooseOnceAndPutFfv1InMatroska() throws IOException {
        Path in = Files.createDirectory(dir.resolve("in"));
        Files.copy(clip, in.resolve("a.mp4"));
        Files.copy(clip, in.resolve("b.mkv"));
        Path out = dir.resolve("out");
        CliTestSupport.Result r = CliTestSupport.run("upscale", in.toString(), out.toString(), "--codec", "ffv1",
                "--scale", "2", "--model", "bicubic", "--backend", "cpu");
        assertEquals(0, r.code(), r::toString);
        assertEquals(1, r.err().split("flashvsr: encoder avenc_ffv1", -1).length - 1, r::toString);
        assertEquals(List.of("a.mkv", "b.mkv"), StagedOutputTest.entries(out));
        for (String name : List.of("a.mkv", "b.mkv")) {
            Stream s = stream(out.resolve(name));
            assertTrue(s.caps().startsWith("video/x-ffv"), s::toString);
            assertEquals(FRAMES, s.frames());
        }
    }

    /** Refused before anything is written: the extension's container cannot hold the codec. */
    @Test
    void aContainerThatCannotHoldTheCodecIsRefused() throws IOException {
        Path out = dir.resolve("up.mp4");
        CliTestSupport.Result r = upscale(out, "--codec", "ffv1");
        assertEquals(FlashVsrCli.EXIT_USAGE, r.code(), r::toString);
        assertEquals("flashvsr: error: .mp4 cannot hold FFV1 video (--codec ffv1); name OUT .mkv instead, or choose"
                + " another --codec", r.err().strip());
        assertEquals(List.of(), StagedOutputTest.entries(dir));
    }

    @Test
    void aMissingForcedEncoderIsRefusedListingThoseInstalled() throws IOException {
        assumeNoHardware("nvh264enc");
        Path out = dir.resolve("up.mp4");
        CliTestSupport.Result r = upscale(out, "--encoder", "nvh264enc");
        assertEquals(FlashVsrCli.EXIT_USAGE, r.code(), r::toString);
        assertTrue(r.err().startsWith("flashvsr: error: encoder nvh264enc is not installed (it comes with"
                + " gstreamer1.0-plugins-bad, registered only where the NVIDIA driver works); installed H.264"
                + " encoders: x264enc"), r::toString);
        assertEquals(List.of(), StagedOutputTest.entries(dir));
    }

    @Test
    void optionsThatDoNotFitTheCodecAreRefused() {
        Path out = dir.resolve("up.mkv");
        assertEquals("flashvsr: error: --quality does not apply to --codec ffv1 (lossless); leave it out",
                upscale(out, "--codec", "ffv1", "--quality", "10").err().strip());
        assertEquals("flashvsr: error: --quality must be between 0 and 51, not 52",
                upscale(out, "--quality", "52").err().strip());
        assertEquals("flashvsr: error: --bit-depth must be 8 or 10, not 12",
                upscale(out, "--bit-depth", "12").err().strip());
        assertEquals("flashvsr: error: --codec must be one of h264, h265, av1, prores, ffv1, not 'vp9'",
                upscale(out, "--codec", "vp9").err().strip());
        assertFalse(Files.exists(out));
    }

    private static CliTestSupport.Result upscale(Path out, String... options) {
        List<String> args = new ArrayList<>(List.of("upscale", clip.toString(), out.toString(), "--scale", "2",
                "--model", "bicubic", "--backend", "cpu"));
        args.addAll(List.of(options));
        return CliTestSupport.run(args.toArray(String[]::new));
    }

    private static void assumeNoHardware(String... encoders) {
        for (String encoder : encoders) {
            assumeTrue(!INSTALLED.installed(encoder), encoder + " is installed here");
        }
    }

    /** The file's video as stored: filesrc ! parsebin. */
    private static Stream stream(Path file) {
        return stream(file, "parsebin");
    }

    /** filesrc ! parsebin or decodebin, counting the buffers of its one output stream. */
    private static Stream stream(Path file, String bin) {
        GstSupport.init();
        Pipeline pipeline = new Pipeline("test-stream");
        Element src = GstSupport.make("filesrc", null);
        src.set("location", file.toString());
        Element parse = GstSupport.make(bin, null);
        Element sink = GstSupport.make("fakesink", null);
        pipeline.addMany(src, parse, sink);
        src.link(parse);
        AtomicLong frames = GstSupport.countBuffers(sink.getStaticPad("sink"));
        parse.connect((Element.PAD_ADDED) (element, pad) -> {
            try {
                pad.link(sink.getStaticPad("sink"));
            } catch (PadLinkException e) {
                throw new IllegalStateException("a second stream in " + file, e);
            }
        });
        PipelineRun run = new PipelineRun(pipeline);
        try {
            run.setState(State.PLAYING);
            while (!run.await(1000)) {
                // until EOS or an error
            }
            assertTrue(run.reachedEndOfStream(), () -> "reading " + file + ": " + run.failure());
            Caps caps = sink.getStaticPad("sink").getCurrentCaps();
            return new Stream(caps.getStructure(0).toString(), frames.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            run.close();
        }
    }
}
