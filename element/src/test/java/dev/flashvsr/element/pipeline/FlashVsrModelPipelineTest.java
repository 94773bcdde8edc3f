package dev.flashvsr.element.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.flashvsr.GoldenPipeline;
import dev.flashvsr.engine.flashvsr.load.FlashVsrRelease;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.BufferFlags;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.StateChangeReturn;
import org.freedesktop.gstreamer.elements.AppSrc;
import org.freedesktop.gstreamer.query.LatencyQuery;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FlashVSR package (the golden tiny release, imported) in real in-process pipelines: upstream's
 * golden frames come out of appsrc ! flashvsrfilter ! appsink with the input's timestamps, the
 * LATENCY query covers the frames the model holds, a DISCONT restarts the stream, and broken
 * packages fail the start cleanly.
 */
class FlashVsrModelPipelineTest {
    /** Any rate works; this one makes the latency easy to read (24 frames = 3 s). */
    private static final int FRAMERATE = 8;
    private static final long FRAME_NS = 1_000_000_000L / FRAMERATE;
    /** Frames FlashVSR holds before its first output (its first chunk takes 25). */
    private static final int HELD_FRAMES = 24;

    @TempDir
    static Path shared;
    static GoldenPipeline golden;
    static Path pkg;

    @TempDir
    Path tmp;

    @BeforeAll
    static void importGoldenRelease() throws Exception {
        golden = GoldenPipeline.load(GoldenData.root());
        pkg = shared.resolve("tiny-golden");
        golden.importPackage(pkg);
    }

    /** GStreamer's default row stride for packed RGB: rounded up to 4 bytes. */
    private static int rgbStride(int width) {
        return (3 * width + 3) & ~3;
    }

    private static long pts(int frame) {
        return frame * FRAME_NS;
    }

    private static Buffer lowResBuffer(int goldenFrame, int streamFrame, boolean discont) {
        byte[] rgb = golden.lowResFrame(goldenFrame, rgbStride(golden.width()));
        Buffer buffer = new Buffer(rgb.length);
        ByteBuffer mapped = buffer.map(true);
        mapped.put(rgb);
        buffer.unmap();
        buffer.setPresentationTimestamp(pts(streamFrame));
        buffer.setDuration(FRAME_NS);
        if (discont) {
            buffer.setFlags(EnumSet.of(BufferFlags.DISCONT));
        }
        return buffer;
    }

    private static final String PIPELINE = "appsrc name=src format=time ! flashvsrfilter name=f"
            + " upstream-reference=true ! appsink name=out";

    /** Points the filter at the golden package and noise, and gives appsrc the golden frames' caps. */
    private static AppSrc configure(Pipeline pipeline) {
        Element filter = pipeline.getElementByName("f");
        filter.set("model", pkg.toString());
        filter.set("noise-file", golden.noiseFile().toString());
        AppSrc src = (AppSrc) pipeline.getElementByName("src");
        src.setCaps(Caps.fromString("video/x-raw,format=RGB,width=" + golden.width() + ",height=" + golden.height()
                + ",framerate=" + FRAMERATE + "/1"));
        return src;
    }

    private static List<byte[]> data(List<GstTestSupport.Frame> frames) {
        List<byte[]> data = new ArrayList<>();
        frames.forEach(f -> data.add(f.data()));
        return data;
    }

    @Test
    void reproducesUpstreamWithTheInputTimestampsAndAnswersLatency() {
        AtomicLong firstInput = new AtomicLong();
        AtomicLong lastOutput = new AtomicLong();
        AtomicLong elementLatency = new AtomicLong();
        // Stays set unless the check ran: an exception in a probe would otherwise go unnoticed.
        AtomicReference<String> latencyProblem = new AtomicReference<>("the LATENCY query was never asked");
        GstTestSupport.Run run = GstTestSupport.run(PIPELINE, (pipeline, sinks) -> {
            AppSrc src = configure(pipeline);
            Element filter = pipeline.getElementByName("f");
            filter.getStaticPad("sink").addProbe(PadProbeType.BUFFER, (pad, info) -> {
                firstInput.compareAndSet(0, System.nanoTime());
                return PadProbeReturn.OK;
            });
            filter.getStaticPad("src").addProbe(PadProbeType.BUFFER, (pad, info) -> {
                // Asked while the first output is pushed, so the processing estimate has measurements.
                if (lastOutput.getAndSet(System.nanoTime()) == 0) {
                    latencyProblem.set(checkLatency(src, filter, System.nanoTime() - firstInput.get(),
                            elementLatency));
                }
                return PadProbeReturn.OK;
            });
            for (int i = 0; i < golden.frames(); i++) {
                src.pushBuffer(lowResBuffer(i, i, false));
            }
            src.endOfStream();
        });
        assertNull(run.error(), run.error());
        assertNull(latencyProblem.get(), latencyProblem.get());
        List<GstTestSupport.Frame> frames = run.frames();
        assertEquals(golden.frames(), frames.size(), "one output per input");
        for (int i = 0; i < frames.size(); i++) {
            assertEquals(pts(i), frames.get(i).pts(), "PTS of frame " + i);
            assertEquals(FRAME_NS, frames.get(i).duration(), "duration of frame " + i);
            assertEquals(golden.outputWidth(), frames.get(i).width());
            assertEquals(golden.outputHeight(), frames.get(i).height());
        }
        GoldenPipeline.Comparison comparison = golden.compare(data(frames), rgbStride(golden.outputWidth()));
        System.out.printf("flashvsrfilter, golden package: %s; %.0f ms per frame (first input to last output,"
                + " graphs built before); element latency %.3f s%n", comparison,
                (lastOutput.get() - firstInput.get()) / 1e6 / frames.size(), elementLatency.get() / 1e9);
        assertTrue(comparison.maxDifference() <= 1, comparison::toString);
    }

    /**
     * The element's share of the pipeline latency: the held frames at the negotiated frame
     * duration plus its processing estimate (a moving average of push times, so at most the time
     * since the first input). Returns what is wrong, or null; stores the element's share in
     * {@code measured}.
     */
    private static String checkLatency(AppSrc src, Element filter, long sinceFirstInputNs, AtomicLong measured) {
        LatencyQuery upstream = new LatencyQuery();
        LatencyQuery total = new LatencyQuery();
        if (!src.query(upstream) || !filter.query(total)) {
            return "the LATENCY query failed";
        }
        long ours = total.getMinimumLatency() - upstream.getMinimumLatency();
        measured.set(ours);
        long held = HELD_FRAMES * FRAME_NS;
        if (ours <= held || ours > held + sinceFirstInputNs) {
            return "element latency " + ours + " ns is not " + HELD_FRAMES + " frames (" + held
                    + " ns) plus a processing estimate of at most " + sinceFirstInputNs + " ns";
        }
        int frames = (Integer) filter.get("latency-frames");
        return frames == HELD_FRAMES ? null : "latency-frames is " + frames;
    }

    @Test
    void discontMidStreamDrainsAndRestartsTheStream() {
        int before = 10;
        GstTestSupport.Run run = GstTestSupport.run(PIPELINE, (pipeline, sinks) -> {
            AppSrc src = configure(pipeline);
            for (int i = 0; i < before; i++) {
                src.pushBuffer(lowResBuffer(i, i, false));
            }
            for (int i = 0; i < golden.frames(); i++) {
                src.pushBuffer(lowResBuffer(i, before + i, i == 0));
            }
            src.endOfStream();
        });
        assertNull(run.error(), run.error());
        List<GstTestSupport.Frame> frames = run.frames();
        assertEquals(before + golden.frames(), frames.size(), "one output per input, across the discontinuity");
        for (int i = 0; i < frames.size(); i++) {
            assertEquals(pts(i), frames.get(i).pts(), "PTS of frame " + i);
        }
        // After the reset the model must start from scratch: exactly the golden run again.
        GoldenPipeline.Comparison restarted = golden.compare(data(frames.subList(before, frames.size())),
                rgbStride(golden.outputWidth()));
        assertTrue(restarted.maxDifference() <= 1, restarted::toString);
    }

    @Test
    void aNoiseFileShorterThanTheStreamLosesNoFrameAndWarnsOnce() throws Exception {
        // 2 latent frames of noise cover the first 5 low-res frames of an upstream run; 9 frames need 6.
        Path shortNoise = tmp.resolve("noise-2.safetensors");
        try (var in = dev.flashvsr.engine.weights.SafeTensors.open(golden.noiseFile())) {
            long[] shape = in.info("noise").shape();
            int plane = (int) (shape[3] * shape[4]);
            float[] all = in.readFloats("noise");
            float[] two = new float[(int) shape[1] * 2 * plane];
            for (int c = 0; c < shape[1]; c++) {
                System.arraycopy(all, (int) (c * shape[2] * plane), two, c * 2 * plane, 2 * plane);
            }
            dev.flashvsr.engine.weights.SafeTensors.write(shortNoise, java.util.Map.of("noise",
                    dev.flashvsr.engine.weights.FloatTensor.of(two, 1, shape[1], 2, shape[3], shape[4])),
                    java.util.Map.of());
        }
        int count = 9;
        GstTestSupport.Run run = GstTestSupport.run(PIPELINE, (pipeline, sinks) -> {
            AppSrc src = configure(pipeline);
            pipeline.getElementByName("f").set("noise-file", shortNoise.toString());
            for (int i = 0; i < count; i++) {
                src.pushBuffer(lowResBuffer(i, i, false));
            }
            src.endOfStream();
        });
        assertNull(run.error(), run.error());
        assertEquals(count, run.frames().size(), "one output per input");
        List<String> noiseWarnings = run.warnings().stream().filter(w -> w.contains(shortNoise.toString())).toList();
        assertEquals(1, noiseWarnings.size(), run.warnings().toString());
        assertTrue(noiseWarnings.get(0).contains("holds 2 latent frames") && noiseWarnings.get(0).contains(
                "output frames from 0 on"), noiseWarnings.get(0));
    }

    @Test
    void manifestOfAnotherFormatFailsTheStart() throws Exception {
        Path bad = tmp.resolve("other-format");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve("manifest.json"), "{\"format\": \"flashvsr-streaming/99\", \"name\": \"x\"}");
        String error = startError(bad);
        assertTrue(error.contains("flashvsr-streaming/99"), error);
    }

    @Test
    void packageMissingAReleaseFileFailsTheStartNamingIt() throws Exception {
        Path bad = tmp.resolve("no-decoder");
        Files.createDirectories(bad);
        try (Stream<Path> files = Files.list(pkg)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (!file.getFileName().toString().equals(FlashVsrRelease.TC_DECODER_FILE)) {
                    Files.copy(file, bad.resolve(file.getFileName()));
                }
            }
        }
        String error = startError(bad);
        assertTrue(error.contains(FlashVsrRelease.TC_DECODER_FILE), error);
    }

    /**
     * Sets up a pipeline with {@code model} and returns the bus error of its READY to PAUSED change,
     * which must fail.
     */
    private static String startError(Path model) throws Exception {
        GstTestSupport.init();
        Pipeline pipeline = (Pipeline) Gst.parseLaunch("videotestsrc num-buffers=3 ! video/x-raw,format=RGB,width="
                + golden.width() + ",height=" + golden.height() + " ! flashvsrfilter name=f ! fakesink");
        CompletableFuture<String> error = new CompletableFuture<>();
        try {
            pipeline.getElementByName("f").set("model", model.toString());
            pipeline.getBus().connect((Bus.ERROR) (source, code, message) -> error.complete(
                    source.getName() + ": " + message));
            assertEquals(StateChangeReturn.SUCCESS, pipeline.setState(State.READY));
            assertEquals(StateChangeReturn.FAILURE, pipeline.setState(State.PAUSED));
            // Bus listeners run on gst1-java-core's dispatch thread, possibly after setState returned.
            String message = error.get(10, TimeUnit.SECONDS);
            assertTrue(message.startsWith("f: flashvsrfilter cannot start"), message);
            return message;
        } finally {
            pipeline.stop();
            pipeline.dispose();
        }
    }
}
