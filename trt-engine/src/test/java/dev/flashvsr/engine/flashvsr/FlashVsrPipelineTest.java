package dev.flashvsr.engine.flashvsr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.DiffusionOptions;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.flashvsr.load.FlashVsrRelease;
import dev.flashvsr.engine.flashvsr.load.ReferenceRuns;
import dev.flashvsr.engine.weights.SafeTensors;
import dev.flashvsr.engine.weights.SafeTensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole FlashVSR pipeline through the engine's session API, from the official release file
 * layout (imported as a package), against the upstream golden run: every output frame within 1 of
 * upstream's 8-bit frames in upstream-reference mode with the saved noise. Sizes and run
 * parameters come from the golden config.json.
 */
class FlashVsrPipelineTest {
    @TempDir
    static Path dir;

    static Path pkg;
    static ReferenceRuns.PipelineRun run;
    static byte[] lowRes;
    static byte[] expected;

    @BeforeAll
    static void importGoldenRelease() throws Exception {
        Path release = GoldenData.root().resolve("release-layout");
        try (FlashVsrRelease r = FlashVsrRelease.open(release)) {
            run = r.referenceRuns().pipeline().orElseThrow();
        }
        pkg = dir.resolve("tiny-flashvsr");
        FlashVsrImport.run(release, pkg, new FlashVsrImport.Settings("tiny", run.fullBlock(), run.localRange(), null,
                run.topkRatio()), line -> { });
        Path folder = GoldenData.root().resolve(run.folder());
        try (SafeTensorsFile in = SafeTensors.open(folder.resolve("inputs.safetensors"));
                SafeTensorsFile out = SafeTensors.open(folder.resolve("outputs.safetensors"))) {
            lowRes = in.readBytes("lr_frames_u8");
            expected = out.readBytes("output_frames_u8");
        }
    }

    static SessionOptions referenceOptions() {
        return new SessionOptions(Backend.AUTO, 0, 0, 0, new DiffusionOptions(DiffusionOptions.ColorFix.ADAIN, true, 0,
                Optional.of(GoldenData.root().resolve(run.folder()).resolve("inputs.safetensors"))));
    }

    static VideoFrame lowResFrame(int index) {
        VideoFrame frame = VideoFrame.allocate(PixelFormat.RGB, run.lrWidth(), run.lrHeight());
        int size = 3 * run.lrWidth() * run.lrHeight();
        for (int y = 0; y < run.lrHeight(); y++) {
            frame.plane(0).put(y * frame.stride(0), lowRes, index * size + y * 3 * run.lrWidth(), 3 * run.lrWidth());
        }
        return frame;
    }

    static List<byte[]> runStream(StreamingSession session, int frames) throws EngineException {
        List<byte[]> outputs = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            session.push(lowResFrame(i), r -> collect(r, session.spec(), outputs));
        }
        session.drain(r -> collect(r, session.spec(), outputs));
        return outputs;
    }

    /** Renders one output frame into {@code outputs} as packed RGB rows. */
    static boolean collect(dev.flashvsr.engine.FrameSink.FrameRenderer renderer, StreamSpec spec,
            List<byte[]> outputs) {
        VideoFrame out = VideoFrame.allocate(spec.format(), spec.outputWidth(), spec.outputHeight());
        renderer.renderInto(out);
        byte[] rgb = new byte[3 * spec.outputWidth() * spec.outputHeight()];
        for (int y = 0; y < spec.outputHeight(); y++) {
            out.plane(0).get(y * out.stride(0), rgb, y * 3 * spec.outputWidth(), 3 * spec.outputWidth());
        }
        outputs.add(rgb);
        return true;
    }

    @Test
    void reproducesTheUpstreamGoldenRunInReferenceMode() throws Exception {
        StreamSpec spec = new StreamSpec(PixelFormat.RGB, run.lrWidth(), run.lrHeight(), run.scale());
        assertEquals(run.hrWidth(), spec.outputWidth());
        try (Model model = Models.resolve(pkg.toString()); StreamingSession session = model.open(spec,
                referenceOptions())) {
            assertEquals(24, model.latencyFrames());
            List<byte[]> outputs = runStream(session, run.lrFrames());
            assertEquals(run.outputFrames(), outputs.size());
            int frameSize = 3 * spec.outputWidth() * spec.outputHeight();
            int worst = 0;
            long off = 0;
            for (int f = 0; f < outputs.size(); f++) {
                byte[] got = outputs.get(f);
                for (int i = 0; i < frameSize; i++) {
                    int d = Math.abs((got[i] & 0xff) - (expected[f * frameSize + i] & 0xff));
                    worst = Math.max(worst, d);
                    if (d > 0) {
                        off++;
                    }
                }
            }
            System.out.printf("FlashVSR golden pipeline: %d frames, max |diff| %d, %d of %d values differ%n",
                    outputs.size(), worst, off, (long) frameSize * outputs.size());
            assertTrue(worst <= 1, "max difference " + worst);
        }
    }

    /** Collects a stream's frames and warnings. */
    private static final class Recorder implements dev.flashvsr.engine.FrameSink {
        final StreamSpec spec;
        final List<byte[]> frames = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();

        Recorder(StreamSpec spec) {
            this.spec = spec;
        }

        @Override
        public boolean frameReady(FrameRenderer renderer) {
            return collect(renderer, spec, frames);
        }

        @Override
        public void warning(String message) {
            warnings.add(message);
        }
    }

    /** Runs golden frames 0..frames-1 (the last one repeated past the golden's 29) through a session. */
    private static Recorder runGolden(StreamingSession session, int frames) throws EngineException {
        Recorder recorder = new Recorder(session.spec());
        for (int i = 0; i < frames; i++) {
            session.push(lowResFrame(Math.min(i, run.lrFrames() - 1)), recorder);
        }
        session.drain(recorder);
        return recorder;
    }

    /** The largest difference of outputs 0..count-1 from upstream's frames. */
    private static int worstDifference(List<byte[]> outputs, int count) {
        int frameSize = outputs.get(0).length;
        int worst = 0;
        for (int f = 0; f < count; f++) {
            for (int i = 0; i < frameSize; i++) {
                worst = Math.max(worst, Math.abs((outputs.get(f)[i] & 0xff) - (expected[f * frameSize + i] & 0xff)));
            }
        }
        return worst;
    }

    @Test
    void streamsLongerThanTheNoiseFileUseGeneratedNoiseAfterItAndKeepEveryFrame() throws Exception {
        // 31 frames (not 8n-3): the golden's 29 and two copies of its last, as upstream pads. Chunks 0
        // and 1 read frames 0..32, all inside the golden run, and noise it holds; chunk 2 needs latent
        // frames 8 and 9, past the golden noise file's 8.
        StreamSpec spec = new StreamSpec(PixelFormat.RGB, run.lrWidth(), run.lrHeight(), run.scale());
        try (Model model = Models.resolve(pkg.toString());
                StreamingSession session = model.open(spec, referenceOptions())) {
            Recorder out = runGolden(session, 31);
            assertEquals(31, out.frames.size());
            assertEquals(0, session.heldFrames());
            assertTrue(worstDifference(out.frames, run.outputFrames()) <= 1, "frames 0..28 replay the golden run");
            assertEquals(1, out.warnings.size(), out.warnings.toString());
            assertTrue(out.warnings.get(0).contains("holds 8 latent frames")
                    && out.warnings.get(0).contains("output frames from 29 on"), out.warnings.get(0));
        }
    }

    @Test
    void aNoiseFileSavedFromAShorterUpstreamRunReplaysItsFramesAndGeneratesTheRest(@TempDir Path tmp)
            throws Exception {
        // Upstream given 27 frames pads to 31, keeps 25 (8n+1) and draws noise for 6 latent frames
        // only; it outputs frames 0..20. The stream of 27 gives those and 6 more.
        Path shortNoise = tmp.resolve("noise-6.safetensors");
        try (SafeTensorsFile in = SafeTensors.open(GoldenData.root().resolve(run.folder()).resolve(
                "inputs.safetensors"))) {
            var noise = in.readTensor("noise");
            long[] shape = noise.shape();
            int plane = (int) (shape[3] * shape[4]);
            int keep = ChunkSchedule.FIRST_CHUNK_LATENTS;
            float[] data = new float[(int) shape[1] * keep * plane];
            for (int c = 0; c < shape[1]; c++) {
                System.arraycopy(noise.data(), (int) (c * shape[2] * plane), data, c * keep * plane, keep * plane);
            }
            SafeTensors.write(shortNoise, java.util.Map.of("noise", dev.flashvsr.engine.weights.FloatTensor.of(data,
                    1, shape[1], keep, shape[3], shape[4])), java.util.Map.of());
        }
        SessionOptions options = new SessionOptions(Backend.AUTO, 0, 0, 0, new DiffusionOptions(
                DiffusionOptions.ColorFix.ADAIN, true, 0, Optional.of(shortNoise)));
        StreamSpec spec = new StreamSpec(PixelFormat.RGB, run.lrWidth(), run.lrHeight(), run.scale());
        try (Model model = Models.resolve(pkg.toString()); StreamingSession session = model.open(spec, options)) {
            Recorder out = runGolden(session, 27);
            assertEquals(27, out.frames.size());
            assertTrue(worstDifference(out.frames, ChunkSchedule.FIRST_CHUNK_OUTPUTS) <= 1,
                    "frames 0..20 replay the golden run");
            assertEquals(1, out.warnings.size(), out.warnings.toString());
            assertTrue(out.warnings.get(0).contains("output frames from 21 on"), out.warnings.get(0));
        }
    }

    @Test
    void everyStreamLengthGivesExactlyAsManyFrames() throws Exception {
        StreamSpec spec = new StreamSpec(PixelFormat.RGB, run.lrWidth(), run.lrHeight(), run.scale());
        try (Model model = Models.resolve(pkg.toString()); StreamingSession session = model.open(spec,
                new SessionOptions(Backend.CPU, 0, 0, 0))) {
            for (int frames : new int[] {1, 3, 22, 26}) {
                assertEquals(frames, runStream(session, frames).size(), frames + " frames in");
                assertEquals(0, session.heldFrames());
            }
        }
    }

    @Test
    void oddSizesComeOutAtExactlyScaleTimesTheInput() throws Exception {
        StreamSpec spec = new StreamSpec(PixelFormat.RGB, 37, 21, 4);
        try (Model model = Models.resolve(pkg.toString()); StreamingSession session = model.open(spec,
                SessionOptions.DEFAULT)) {
            List<byte[]> outputs = new ArrayList<>();
            VideoFrame frame = VideoFrame.allocate(PixelFormat.RGB, 37, 21);
            for (int i = 0; i < 5; i++) {
                session.push(frame, r -> collect(r, spec, outputs));
            }
            session.drain(r -> collect(r, spec, outputs));
            assertEquals(5, outputs.size());
            assertEquals(3 * 148 * 84, outputs.get(0).length);
        }
    }

    @Test
    void resetStartsTheStreamOver() throws Exception {
        StreamSpec spec = new StreamSpec(PixelFormat.RGB, run.lrWidth(), run.lrHeight(), run.scale());
        try (Model model = Models.resolve(pkg.toString()); StreamingSession session = model.open(spec,
                referenceOptions())) {
            for (int i = 0; i < 10; i++) {
                session.push(lowResFrame(28 - i), r -> true);
            }
            assertEquals(10, session.heldFrames());
            session.reset();
            assertEquals(0, session.heldFrames());
            List<byte[]> outputs = runStream(session, run.lrFrames());
            int frameSize = outputs.get(0).length;
            for (int i = 0; i < frameSize; i++) {
                assertTrue(Math.abs((outputs.get(5)[i] & 0xff) - (expected[5 * frameSize + i] & 0xff)) <= 1);
            }
        }
    }

    @Test
    void exportedGraphsLoadFromFilesAndTheDitMatchesTheGoldenChunk() throws Exception {
        int width = run.hrWidth();
        int height = run.hrHeight();
        Path folder = FlashVsrImport.exportGraphs(pkg, width, height, line -> { });
        for (String file : FlashVsrGraphs.EXPORTED) {
            assertTrue(java.nio.file.Files.size(folder.resolve(file)) > 0, file);
        }
        assertTrue(java.nio.file.Files.size(folder.resolve("dit_chunk0.onnx.data")) > 0, "external DiT weights");
        Path golden = GoldenData.root().resolve(run.folder());
        try (SafeTensorsFile in = SafeTensors.open(golden.resolve("inputs.safetensors"));
                SafeTensorsFile out = SafeTensors.open(golden.resolve("outputs.safetensors"));
                ai.onnxruntime.OrtSession dit = ai.onnxruntime.OrtEnvironment.getEnvironment().createSession(
                        folder.resolve("dit_chunk0.onnx").toString(), new ai.onnxruntime.OrtSession.SessionOptions())) {
            var noise = in.readTensor("noise");
            long[] shape = noise.shape();
            int latents = ChunkSchedule.FIRST_CHUNK_LATENTS;
            int plane = (int) (shape[3] * shape[4]);
            float[] x = new float[(int) shape[1] * latents * plane];
            for (int c = 0; c < shape[1]; c++) {
                System.arraycopy(noise.data(), (int) (c * shape[2] * plane), x, c * latents * plane, latents * plane);
            }
            var tokens = out.readTensor("chunk0.lq_tokens");
            var env = ai.onnxruntime.OrtEnvironment.getEnvironment();
            try (var xs = ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(x),
                    new long[] {1, shape[1], latents, shape[3], shape[4]});
                    var ts = ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(tokens.data()),
                            tokens.shape());
                    var ps = ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(
                            new long[] {0, 1, 2, 3, 4, 5}), new long[] {latents});
                    var result = dit.run(java.util.Map.of("x", xs, "lq_tokens", ts, "t_positions", ps))) {
                float[] prediction = new float[x.length];
                ((ai.onnxruntime.OnnxTensor) result.get("noise_pred").get()).getFloatBuffer().get(prediction);
                float[] expected = out.readFloats("chunk0.noise_pred");
                double worst = 0;
                for (int i = 0; i < expected.length; i++) {
                    worst = Math.max(worst, Math.abs(expected[i] - prediction[i]));
                }
                assertTrue(worst < 1e-4, "exported DiT differs from the golden chunk 0 by " + worst);
            }
        }
    }

    @Test
    void upstreamReferenceModeRefusesFramesSmallerThanItsCrop() throws Exception {
        try (Model model = Models.resolve(pkg.toString())) {
            EngineException e = assertThrows(EngineException.class, () -> model.open(
                    new StreamSpec(PixelFormat.RGB, 20, 20, 4), referenceOptions()));
            assertTrue(e.getMessage().contains("at least 128x128"), e.getMessage());
        }
    }
}
