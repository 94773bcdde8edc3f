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
        FlashVsrImport.run(release, pkg, new FlashVsrImport.Settings("tiny", run.fullBlock(), run.localRange(), 0,
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

    private static boolean collect(dev.flashvsr.engine.FrameSink.FrameRenderer renderer, StreamSpec spec,
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
