package dev.flashvsr.engine.tensorrt.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameSizeRange;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.cuda.HostCuda;
import dev.flashvsr.engine.gpu.CpuFramePath;
import dev.flashvsr.engine.gpu.StreamChecks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CUDA graph capture of each frame's work in the TensorRT sessions, over CUDA emulated on the host
 * (captured work is recorded and replayed at each launch) and TensorRT's part on ONNX Runtime
 * (queued as host work on the stream, so it is captured too): replayed frames equal plain ones bit
 * for bit, graphs are launched, a reset or another stream captures again, and a failed capture falls
 * back to plain launches.
 */
class CudaGraphsTest {
    private static final SessionOptions PLAIN = new SessionOptions(Backend.TENSORRT, 0, 0, 0).withCudaGraphs(false);
    private static final SessionOptions GRAPHS = new SessionOptions(Backend.TENSORRT, 0, 0, 0);

    @TempDir
    Path cacheFolder;

    private Model load(HostCuda cuda) throws EngineException {
        return TensorRtProviderTest.provider(cuda, new TensorRtProviderTest.CountingRuntime(), cacheFolder)
                .load(Models.definition(Models.VSR_SMALL), Precision.FP32, 0);
    }

    /** Pushes {@code inputs} into one session, resetting it before frame {@code resetAt} (none when negative). */
    private static List<VideoFrame> run(Model model, StreamSpec spec, SessionOptions options, List<VideoFrame> inputs,
            int resetAt) throws EngineException {
        List<VideoFrame> outputs = new ArrayList<>();
        try (StreamingSession session = model.open(spec, options)) {
            for (int i = 0; i < inputs.size(); i++) {
                if (i == resetAt) {
                    session.drain(renderer -> StreamChecks.collect(renderer, spec, outputs));
                    session.reset();
                }
                session.push(inputs.get(i), renderer -> StreamChecks.collect(renderer, spec, outputs));
            }
            session.drain(renderer -> StreamChecks.collect(renderer, spec, outputs));
        }
        return outputs;
    }

    private static void assertBitEqual(List<VideoFrame> plain, List<VideoFrame> captured) {
        assertEquals(plain.size(), captured.size());
        for (int i = 0; i < plain.size(); i++) {
            assertEquals(0, CpuFramePath.maxDifference(plain.get(i), captured.get(i)), "frame " + i);
        }
    }

    @Test
    void replayedFramesEqualPlainOnesBitForBit() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        StreamSpec spec = new StreamSpec(PixelFormat.NV12, 37, 23, 2);
        List<VideoFrame> inputs = TensorRtProviderTest.frames(PixelFormat.NV12, 37, 23);
        try (Model model = load(cuda)) {
            List<VideoFrame> plain = run(model, spec, PLAIN, inputs, -1);
            assertEquals(0, cuda.graphLaunches(), "cuda-graphs=false launches none");
            List<VideoFrame> captured = run(model, spec, GRAPHS, inputs, -1);
            assertBitEqual(plain, captured);
            assertEquals(inputs.size() - 1, cuda.graphLaunches(), "every frame after the first (plain) one");
            assertEquals(2, cuda.graphsCaptured(), "one graph per pipeline slot and state parity");
        }
        assertEquals("", cuda.live(), "graphs destroyed with everything else");
    }

    /** A reset drops the graphs (the next frame runs plainly, then they are captured again); so does a new stream. */
    @Test
    void aResetOrAnotherStreamCapturesAgain() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        StreamSpec spec = new StreamSpec(PixelFormat.RGBA, 24, 16, 2);
        List<VideoFrame> inputs = new ArrayList<>(TensorRtProviderTest.frames(PixelFormat.RGBA, 24, 16));
        inputs.addAll(TensorRtProviderTest.frames(PixelFormat.RGBA, 24, 16));
        SessionOptions ranged = GRAPHS.withEngineSizes(new FrameSizeRange(16, 16, 32, 32));
        try (Model model = load(cuda)) {
            List<VideoFrame> plain = run(model, spec, ranged.withCudaGraphs(false), inputs, 3);
            assertBitEqual(plain, run(model, spec, ranged, inputs, 3));
            assertEquals(inputs.size() - 2, cuda.graphLaunches(), "plain after the open and after the reset");
            assertEquals(4, cuda.graphsCaptured(), "two graphs before the reset, two again after it");

            StreamSpec renegotiated = new StreamSpec(PixelFormat.RGBA, 32, 20, 2);
            List<VideoFrame> larger = TensorRtProviderTest.frames(PixelFormat.RGBA, 32, 20);
            assertBitEqual(run(model, renegotiated, ranged.withCudaGraphs(false), larger, -1),
                    run(model, renegotiated, ranged, larger, -1));
            assertEquals(inputs.size() - 2 + larger.size() - 1, cuda.graphLaunches());
            assertEquals(6, cuda.graphsCaptured(), "the new stream's own two");
        }
        assertEquals("", cuda.live());
    }

    @Test
    void aFailedCaptureFallsBackToPlainLaunchesAndSaysSoOnce() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        cuda.failCaptures();
        StreamSpec spec = new StreamSpec(PixelFormat.I420, 30, 18, 2);
        List<VideoFrame> inputs = TensorRtProviderTest.frames(PixelFormat.I420, 30, 18);
        List<LogRecord> warnings;
        try (LoggedRecords logged = new LoggedRecords(TrtRecurrentSession.class); Model model = load(cuda)) {
            assertBitEqual(run(model, spec, PLAIN, inputs, -1), run(model, spec, GRAPHS, inputs, -1));
            warnings = logged.records();
        }
        assertEquals(0, cuda.graphLaunches());
        assertEquals(0, cuda.graphsCaptured());
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals(Level.WARNING, warnings.get(0).getLevel());
        assertTrue(warnings.get(0).getMessage().contains("CUDA graph capture of x2.onnx failed")
                && warnings.get(0).getMessage().contains("CUDA_ERROR_STREAM_CAPTURE_INVALIDATED")
                && warnings.get(0).getMessage().endsWith("this stream runs each frame's work without graphs"),
                warnings.get(0).getMessage());
        assertEquals("", cuda.live());
    }
}
