package dev.flashvsr.engine.tensorrt.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.backend.ModelDefinition;
import dev.flashvsr.engine.cpu.CpuProvider;
import dev.flashvsr.engine.cuda.CudaRuntime;
import dev.flashvsr.engine.cuda.HostCuda;
import dev.flashvsr.engine.gpu.CpuFramePath;
import dev.flashvsr.engine.gpu.StreamChecks;
import dev.flashvsr.engine.tensorrt.cache.EngineCache;
import dev.flashvsr.engine.tensorrt.runtime.BuildSettings;
import dev.flashvsr.engine.tensorrt.runtime.EnginePlan;
import dev.flashvsr.engine.tensorrt.runtime.OrtTrtRuntime;
import dev.flashvsr.engine.tensorrt.runtime.TrtEngine;
import dev.flashvsr.engine.tensorrt.runtime.TrtException;
import dev.flashvsr.engine.tensorrt.runtime.TrtLog;
import dev.flashvsr.engine.tensorrt.runtime.TrtRuntime;
import dev.flashvsr.engine.tensorrt.runtime.TrtRuntimes;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TensorRT backend's own logic with TensorRT's part run on ONNX Runtime ({@link OrtTrtRuntime})
 * and CUDA's on the host ({@link HostCuda}): the same outputs as the CPU backend, engines built once
 * and then read from the cache, an incompatible cached engine rebuilt, and the reasons it cannot run.
 */
class TensorRtProviderTest {
    private static final int WIDTH = 37;
    private static final int HEIGHT = 23;
    private static final int FRAMES = 4;

    @TempDir
    Path cacheFolder;

    /** A runtime that counts builds, and can reject the first plan it is given as incompatible. */
    static final class CountingRuntime implements TrtRuntime {
        final OrtTrtRuntime ort = new OrtTrtRuntime();
        final AtomicInteger builds = new AtomicInteger();
        boolean rejectFirstPlan;

        @Override
        public String version() {
            return ort.version();
        }

        @Override
        public void buildEngine(Path onnxGraph, BuildSettings settings, WritableByteChannel plan, TrtLog log)
                throws TrtException, IOException {
            builds.incrementAndGet();
            ort.buildEngine(onnxGraph, settings, plan, log);
        }

        @Override
        public TrtEngine deserialize(EnginePlan plan, TrtLog log) throws TrtException, IOException {
            if (rejectFirstPlan) {
                rejectFirstPlan = false;
                throw new TrtException(TrtException.Kind.INCOMPATIBLE, "the plan was built by another TensorRT",
                        "Rebuild it");
            }
            return ort.deserialize(plan, log);
        }
    }

    private TensorRtProvider provider(HostCuda cuda, TrtRuntime runtime) {
        return provider(cuda, runtime, cacheFolder);
    }

    /** The provider over host-emulated CUDA and {@code runtime}, its engine cache in {@code cacheFolder}. */
    static TensorRtProvider provider(HostCuda cuda, TrtRuntime runtime, Path cacheFolder) {
        return new TensorRtProvider(cuda::availability, () -> new TrtRuntimes.Availability(runtime, null),
                () -> new EngineCache(cacheFolder), TrtLog.NONE);
    }

    private static List<VideoFrame> frames(PixelFormat format) {
        return frames(format, WIDTH, HEIGHT);
    }

    /** {@link #FRAMES} frames of smooth content with a little noise, a little brighter each frame. */
    static List<VideoFrame> frames(PixelFormat format, int width, int height) {
        List<VideoFrame> frames = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            VideoFrame frame = VideoFrame.allocate(format, width, height);
            SplittableRandom random = new SplittableRandom(i);
            for (int p = 0; p < format.planeCount(); p++) {
                for (int b = 0; b < frame.plane(p).capacity(); b++) {
                    // smooth content with a little noise, so the model's motion path has something to follow
                    frame.plane(p).put(b, (byte) (96 + (b % 61) + i * 3 + random.nextInt(8)));
                }
            }
            frames.add(frame);
        }
        return frames;
    }

    private static List<VideoFrame> run(Model model, StreamSpec spec, List<VideoFrame> inputs) throws EngineException {
        return run(model, spec, new SessionOptions(model.backend(), 0, 0, 0), inputs);
    }

    /** Every output of one session of {@code model} over {@code inputs}, drained. */
    static List<VideoFrame> run(Model model, StreamSpec spec, SessionOptions options, List<VideoFrame> inputs)
            throws EngineException {
        try (StreamingSession session = model.open(spec, options)) {
            return StreamChecks.run(session, inputs);
        }
    }

    /** As many outputs as the CPU backend's, each within 1 level of it. */
    static void assertWithinOneLevel(List<VideoFrame> cpu, List<VideoFrame> gpu, String what) {
        assertEquals(cpu.size(), gpu.size(), what + ": frames in = frames out");
        for (int i = 0; i < cpu.size(); i++) {
            int difference = CpuFramePath.maxDifference(cpu.get(i), gpu.get(i));
            assertTrue(difference <= 1, what + " frame " + i + ": max difference " + difference
                    + " levels from the CPU backend");
        }
    }

    /** Every output of vsr-small x2 within 1 level of the CPU backend's, in NV12 and RGBA. */
    @Test
    void vsrSmallMatchesTheCpuBackendFrameByFrame() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        ModelDefinition vsrSmall = Models.definition(Models.VSR_SMALL);
        for (PixelFormat format : List.of(PixelFormat.NV12, PixelFormat.RGBA)) {
            StreamSpec spec = new StreamSpec(format, WIDTH, HEIGHT, 2);
            List<VideoFrame> inputs = frames(format);
            List<VideoFrame> cpu;
            try (Model model = new CpuProvider().load(vsrSmall, Precision.FP32, 0)) {
                cpu = run(model, spec, inputs);
            }
            List<VideoFrame> gpu;
            try (Model model = provider(cuda, new CountingRuntime()).load(vsrSmall, Precision.FP32, 0)) {
                assertEquals(Backend.TENSORRT, model.backend());
                gpu = run(model, spec, inputs);
            }
            assertWithinOneLevel(cpu, gpu, format.toString());
        }
        assertEquals("", cuda.live(), "everything on the GPU released");
    }

    @Test
    void anEngineIsBuiltOnceThenReadFromTheCache() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        CountingRuntime runtime = new CountingRuntime();
        ModelDefinition vsrSmall = Models.definition(Models.VSR_SMALL);
        StreamSpec spec = new StreamSpec(PixelFormat.I420, WIDTH, HEIGHT, 2);
        for (int start = 0; start < 2; start++) {
            try (Model model = provider(cuda, runtime).load(vsrSmall, Precision.FP16, 0)) {
                assertEquals(FRAMES, run(model, spec, frames(PixelFormat.I420)).size());
            }
        }
        assertEquals(1, runtime.builds.get(), "the second start reads the cached engine");
        try (Stream<Path> files = Files.list(cacheFolder)) {
            assertEquals(1, files.filter(f -> f.toString().endsWith(".engine")).count());
        }
        assertTrue(Files.isRegularFile(cacheFolder.resolve("timing-trt10.15.1-sm89.cache")),
                "the build's timing cache is kept beside the engines");
    }

    /** The engine-cache setting (element property, CLI option) reaches the session's open. */
    @Test
    void theSessionOptionsChooseTheCacheFolder(@TempDir Path chosen) throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        StreamSpec spec = new StreamSpec(PixelFormat.NV12, WIDTH, HEIGHT, 2);
        try (Model model = provider(cuda, new CountingRuntime()).load(Models.definition(Models.VSR_SMALL_FAST),
                Precision.FP32, 0);
                StreamingSession session = model.open(spec,
                        new SessionOptions(Backend.TENSORRT, 0, 0, 0).withEngineCache(chosen))) {
            assertEquals(1, session.latencyFrames());
        }
        try (Stream<Path> inChosen = Files.list(chosen); Stream<Path> inDefault = Files.list(cacheFolder)) {
            assertEquals(1, inChosen.filter(f -> f.toString().endsWith(".engine")).count());
            assertEquals(0, inDefault.count(), "nothing in the provider's default folder");
        }
    }

    @Test
    void anEngineTheRuntimeRejectsIsRebuilt() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        CountingRuntime runtime = new CountingRuntime();
        ModelDefinition vsrSmall = Models.definition(Models.VSR_SMALL);
        StreamSpec spec = new StreamSpec(PixelFormat.RGB, WIDTH, HEIGHT, 4);
        try (Model model = provider(cuda, runtime).load(vsrSmall, Precision.FP32, 0)) {
            run(model, spec, frames(PixelFormat.RGB));
        }
        runtime.rejectFirstPlan = true;
        try (Model model = provider(cuda, runtime).load(vsrSmall, Precision.FP32, 0)) {
            assertEquals(FRAMES, run(model, spec, frames(PixelFormat.RGB)).size());
        }
        assertEquals(2, runtime.builds.get(), "built, then rebuilt after the runtime rejected the cached plan");
    }

    @Test
    void withoutAGpuOrTensorRtItSaysWhich() {
        TensorRtProvider noGpu = new TensorRtProvider(
                () -> new CudaRuntime.Availability(null, 0, List.of(), "no NVIDIA driver: libcuda.so.1 not found"),
                () -> new TrtRuntimes.Availability(new OrtTrtRuntime(), null), () -> new EngineCache(cacheFolder),
                TrtLog.NONE);
        assertEquals("no NVIDIA driver: libcuda.so.1 not found", noGpu.unusableReason().orElseThrow());
        TensorRtProvider noTensorRt = new TensorRtProvider(() -> {
            try {
                return HostCuda.oneGpu().availability();
            } catch (EngineException e) {
                throw new IllegalStateException(e);
            }
        }, () -> new TrtRuntimes.Availability(null, "TensorRT's libnvinfer.so.10 is not installed"),
                () -> new EngineCache(cacheFolder), TrtLog.NONE);
        assertEquals("TensorRT's libnvinfer.so.10 is not installed", noTensorRt.unusableReason().orElseThrow());
        EngineException e = assertThrows(EngineException.class,
                () -> noTensorRt.load(Models.definition(Models.VSR_SMALL), Precision.AUTO, 0));
        assertTrue(e.getMessage().contains("libnvinfer.so.10"), e.getMessage());
    }

    @Test
    void autoPrefersFp16AndTheRealProbeHereSaysWhatIsMissing() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        try (Model model = provider(cuda, new CountingRuntime()).load(Models.definition(Models.VSR_SMALL),
                Precision.AUTO, 0)) {
            assertEquals(Precision.FP16, model.resolvePrecision(Precision.AUTO, 2));
        }
        String reason = new TensorRtProvider().unusableReason().orElse("");
        assertTrue(reason.contains("libcuda.so.1") || reason.contains("libnvinfer") || reason.isEmpty(), reason);
    }

    @Test
    void aModelThatCannotOpenLeavesNothingOnTheGpu(@TempDir Path empty) throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        TensorRtProvider provider = provider(cuda, new CountingRuntime());
        EngineException flashVsr = assertThrows(EngineException.class,
                () -> provider.load(new ModelDefinition.FlashVsr(empty), Precision.AUTO, 0));
        assertTrue(flashVsr.getSuppressed().length == 0, "closing the GPU must not fail: " + cuda.live());
        assertEquals("", cuda.live(), "a FlashVSR folder without a package: " + flashVsr.getMessage());
    }
}
