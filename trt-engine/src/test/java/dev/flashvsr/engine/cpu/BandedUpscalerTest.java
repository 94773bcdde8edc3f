package dev.flashvsr.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.model.MotionSmoothing;
import dev.flashvsr.engine.model.RecurrentSrArchitecture;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.pkg.ModelPackage;
import dev.flashvsr.engine.pkg.RecurrentSrPackage;
import dev.flashvsr.engine.weights.SafeTensors;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parallel bands give exactly the whole-frame result, state included, frame after frame. */
class BandedUpscalerTest {
    @TempDir
    Path dir;

    @Test
    void plansCoverTheFrameWithHalosInside() {
        BandPlan plan = BandPlan.of(97, 4, 3, 16);
        assertEquals(3, plan.count());
        int next = 0;
        for (BandPlan.Band band : plan.bands()) {
            assertEquals(next, band.y0());
            assertEquals(Math.max(0, band.y0() - 4), band.regionY0());
            assertEquals(Math.min(97, band.y1() + 4), band.regionY1());
            assertTrue(band.y1() - band.y0() >= 4);
            next = band.y1();
        }
        assertEquals(97, next);
        assertEquals(1, BandPlan.of(40, 4, 2, 32).count(), "too low for two bands of 32 rows");
        assertEquals(1, BandPlan.of(9, 5, 4, 1).count(), "a core must be at least a halo high");
    }

    @ParameterizedTest(name = "temporal gate {0}, motion smoothing {1}")
    @CsvSource({"false, false", "true, false", "false, true"})
    void bandsEqualTheWholeFrameOverARecurrentStream(boolean gate, boolean smoothed) throws Exception {
        RecurrentSrArchitecture arch = new RecurrentSrArchitecture(4, 8, 4, 3, gate);
        MotionSmoothing smoothing = smoothed ? MotionSmoothing.DEFAULT : null;
        Path weights = dir.resolve("w4-" + gate + ".safetensors");
        SafeTensors.write(weights, OnnxModelTest.weights(arch, false, 7), Map.of());
        Path pkgDir = dir.resolve("pkg-" + gate + "-" + smoothed);
        RecurrentSrPackage.write(pkgDir, "banded", "test", List.of(weights), smoothing);
        ModelPackage pkg = ModelPackage.load(pkgDir);
        ModelManifest.Graph graph = pkg.manifest().graphFor(4).orElseThrow();
        assertEquals(smoothed ? smoothing.receptiveRadius() : arch.receptiveRadius(), graph.receptiveField());
        try (OrtSession whole = session(pkg, 2); OrtSession single = session(pkg, 1)) {
            for (PixelFormat format : new PixelFormat[] {PixelFormat.I420, PixelFormat.RGBA, PixelFormat.NV12}) {
                for (int height : new int[] {70, 97}) {
                    StreamSpec spec = new StreamSpec(format, 38, height, 4);
                    List<VideoFrame> frames = new ArrayList<>();
                    for (int t = 0; t < 5; t++) {
                        frames.add(movingFrame(format, 38, height, t));
                    }
                    SessionLayout untiled = SessionLayout.of(spec, SessionOptions.DEFAULT, graph, false, 2);
                    List<byte[]> expected = run(new OnnxStreamingSession(spec, untiled, whole, null, graph), spec,
                            frames);
                    for (int bands : new int[] {2, 3}) {
                        BandPlan plan = BandPlan.of(height, graph.receptiveField(), bands, 8);
                        assertEquals(bands, plan.count());
                        try (BandedUpscaler banded = new BandedUpscaler(single, graph, plan, 38,
                                spec.colorimetry())) {
                            for (int t = 0; t < frames.size(); t++) {
                                VideoFrame out = VideoFrame.allocate(format, spec.outputWidth(),
                                        spec.outputHeight());
                                banded.upscale(frames.get(t), out);
                                String where = format + " " + height + " rows, " + bands + " bands, frame " + t;
                                if (smoothed) {
                                    // a band's sampling grid is computed from its own size, so a
                                    // value can round to the neighbouring 8-bit level
                                    assertWithinOneLevel(expected.get(t), bytes(out), where);
                                } else {
                                    assertArrayEquals(expected.get(t), bytes(out), where);
                                }
                            }
                            banded.reset();
                            VideoFrame out = VideoFrame.allocate(format, spec.outputWidth(), spec.outputHeight());
                            banded.upscale(frames.get(0), out);
                            assertArrayEquals(expected.get(0), bytes(out), "after reset");
                        }
                    }
                }
            }
        }
    }

    private static void assertWithinOneLevel(byte[] want, byte[] got, String where) {
        assertEquals(want.length, got.length, where);
        for (int i = 0; i < want.length; i++) {
            int d = Math.abs((want[i] & 0xff) - (got[i] & 0xff));
            assertTrue(d <= 1, where + ": " + (want[i] & 0xff) + " against " + (got[i] & 0xff) + " at " + i);
        }
    }

    private static OrtSession session(ModelPackage pkg, int threads) throws Exception {
        try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions(threads)) {
            return OrtRuntime.ENV.createSession(pkg.graph(pkg.manifest().graphFor(4).orElseThrow()), options);
        }
    }

    private static List<byte[]> run(StreamingSession session, StreamSpec spec, List<VideoFrame> frames)
            throws Exception {
        List<byte[]> outputs = new ArrayList<>();
        try (session) {
            for (VideoFrame frame : frames) {
                VideoFrame out = VideoFrame.allocate(spec.format(), spec.outputWidth(), spec.outputHeight());
                session.push(frame, r -> {
                    r.renderInto(out);
                    return true;
                });
                outputs.add(bytes(out));
            }
        }
        return outputs;
    }

    /** A pattern that moves with {@code t}, so the recurrent inputs change from frame to frame. */
    private static VideoFrame movingFrame(PixelFormat format, int width, int height, int t) {
        VideoFrame frame = VideoFrame.allocate(format, width, height);
        for (int p = 0; p < format.planeCount(); p++) {
            ByteBuffer plane = frame.plane(p);
            for (int i = 0; i < plane.capacity(); i++) {
                int v = (int) (128 + 100 * Math.sin(0.21 * (i + 3 * t) + p) * Math.cos(0.013 * i * (p + 1)));
                plane.put(i, (byte) v);
            }
        }
        return frame;
    }

    private static byte[] bytes(VideoFrame frame) {
        int total = 0;
        for (int p = 0; p < frame.format().planeCount(); p++) {
            total += frame.plane(p).capacity();
        }
        byte[] all = new byte[total];
        int at = 0;
        for (int p = 0; p < frame.format().planeCount(); p++) {
            ByteBuffer plane = frame.plane(p);
            plane.get(0, all, at, plane.capacity());
            at += plane.capacity();
        }
        return all;
    }
}
