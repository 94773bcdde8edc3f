package dev.flashvsr.engine.tensorrt.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.FrameSizeRange;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.backend.ModelDefinition;
import dev.flashvsr.engine.cpu.CpuProvider;
import dev.flashvsr.engine.cuda.HostCuda;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engines built for a range of input sizes ({@code engine-sizes}), over TensorRT's part on ONNX
 * Runtime and CUDA on the host: a stream renegotiated to a size inside the range reuses the loaded
 * engine, still within 1 level of the CPU backend; a size outside gets an engine of its own.
 */
class EngineSizesTest {
    private static final FrameSizeRange SIZES = new FrameSizeRange(16, 16, 64, 48);
    private final ModelDefinition vsrSmall = vsrSmall();

    @TempDir
    Path cacheFolder;

    private static ModelDefinition vsrSmall() {
        try {
            return Models.definition(Models.VSR_SMALL);
        } catch (dev.flashvsr.engine.EngineException e) {
            throw new IllegalStateException("the built-in vsr-small package cannot be read: " + e.getMessage(), e);
        }
    }

    /** Renegotiates one loaded model through sizes inside the range, one outside and back. */
    @Test
    void aRenegotiationInsideTheRangeNeedsNoNewEngine() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        TensorRtProviderTest.CountingRuntime runtime = new TensorRtProviderTest.CountingRuntime();
        SessionOptions options = new SessionOptions(Backend.TENSORRT, 0, 0, 0).withEngineSizes(SIZES);
        List<String> steps = new ArrayList<>();
        try (Model model = TensorRtProviderTest.provider(cuda, runtime, cacheFolder).load(vsrSmall, Precision.FP32,
                0)) {
            assertMatchesTheCpu(model, options, 37, 23);
            assertEquals(1, runtime.builds.get(), "the first size builds the range's engine");
            assertMatchesTheCpu(model, options, 64, 16);
            assertMatchesTheCpu(model, options, 16, 48);
            assertEquals(1, runtime.builds.get(), "sizes inside the range reuse it");
            assertEquals(1, runtime.ort.loads(), "the loaded engine, not the cache file, is reused");

            try (StreamingSession session = model.open(new StreamSpec(PixelFormat.NV12, 66, 20, 2), options,
                    (step, fraction) -> steps.add(step))) {
                assertEquals(1, session.latencyFrames());
            }
            assertEquals(2, runtime.builds.get(), "a size outside the range builds an engine of its own");
            assertTrue(steps.contains("66x20 lies outside engine-sizes 16x16-64x48: building a TensorRT engine for"
                    + " exactly 66x20"), steps.toString());

            assertMatchesTheCpu(model, options, 40, 30);
            assertEquals(2, runtime.builds.get(), "back inside: the range's engine again");
        }
        assertEquals(2, engineFiles(), "the range's engine and the 66x20 one are cached apart");
        assertEquals("", cuda.live(), "everything on the GPU released");
    }

    /** The range is part of the cache key: a new start inside it with the same size reads the engine back. */
    @Test
    void theRangesEngineIsReadFromTheCacheAtTheNextStart() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        TensorRtProviderTest.CountingRuntime runtime = new TensorRtProviderTest.CountingRuntime();
        SessionOptions ranged = new SessionOptions(Backend.TENSORRT, 0, 0, 0).withEngineSizes(SIZES);
        SessionOptions exact = new SessionOptions(Backend.TENSORRT, 0, 0, 0);
        StreamSpec spec = new StreamSpec(PixelFormat.I420, 32, 24, 2);
        for (SessionOptions options : List.of(ranged, ranged, exact)) {
            try (Model model = TensorRtProviderTest.provider(cuda, runtime, cacheFolder).load(vsrSmall,
                    Precision.FP16, 0); StreamingSession session = model.open(spec, options, OpenProgress.NONE)) {
                assertEquals(1, session.latencyFrames());
            }
        }
        assertEquals(2, runtime.builds.get(), "built for the range once, then for the exact size (another key)");
        assertEquals(2, engineFiles());
    }

    private void assertMatchesTheCpu(Model model, SessionOptions options, int width, int height)
            throws Exception {
        StreamSpec spec = new StreamSpec(PixelFormat.NV12, width, height, 2);
        List<VideoFrame> inputs = TensorRtProviderTest.frames(PixelFormat.NV12, width, height);
        List<VideoFrame> cpu;
        try (Model onCpu = new CpuProvider().load(vsrSmall, Precision.FP32, 0)) {
            cpu = TensorRtProviderTest.run(onCpu, spec, new SessionOptions(Backend.CPU, 0, 0, 0), inputs);
        }
        TensorRtProviderTest.assertWithinOneLevel(cpu, TensorRtProviderTest.run(model, spec, options, inputs),
                width + "x" + height);
    }

    private long engineFiles() throws Exception {
        try (Stream<Path> files = Files.list(cacheFolder)) {
            return files.filter(f -> f.toString().endsWith(".engine")).count();
        }
    }
}
