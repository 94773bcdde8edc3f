package dev.flashvsr.engine.gpu;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.DiffusionOptions;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameSink;
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
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaRuntime;
import dev.flashvsr.engine.flashvsr.GoldenPipeline;
import dev.flashvsr.engine.tensorrt.backend.TensorRtProvider;
import dev.flashvsr.engine.tensorrt.cache.EngineCache;
import dev.flashvsr.engine.tensorrt.runtime.TrtLog;
import dev.flashvsr.engine.tensorrt.runtime.TrtRuntimes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The TensorRT backend on a GPU: each recurrent model and precision against the CPU backend's
 * fp32 output on the same frames, its frames per second at 720p and 1080p output against the
 * cuda backend's bicubic measured in the same run, device memory over a long stream, and the tiny
 * golden FlashVSR against upstream's output.
 * Engines come from (and go to) the engine cache, so a second run skips the builds.
 */
final class TrtChecks {
    /** The recurrent models that ship in the jar. */
    static final List<String> MODELS = List.of(Models.VSR_SMALL, Models.VSR_SMALL_FAST);

    /**
     * How far each precision's output may be from the CPU backend's fp32 output: mean absolute
     * difference in 8-bit levels. fp16 and int8 are the backend conformance suite's limits; fp32 has
     * some room too, since TensorRT may compute float32 convolutions in TF32.
     */
    static final Map<Precision, Double> MEAN_LEVELS_FROM_CPU_FP32 = Map.of(
            Precision.FP32, 0.25,
            Precision.FP16, 0.5,
            Precision.INT8, 2.0);

    private static final int SCALE = 2;

    private final TensorRtProvider provider;
    private final CudaDevice device;
    private final int deviceId;

    TrtChecks(CudaRuntime.Availability cuda, TrtRuntimes.Availability tensorRt, EngineCache cache,
            CudaDevice device) {
        this.provider = new TensorRtProvider(() -> cuda, () -> tensorRt, () -> cache, TrtLog.NONE);
        this.device = device;
        this.deviceId = device.info().ordinal();
    }

    /**
     * {@code frames} NV12 frames of {@code width x height} at x2 through every model and precision:
     * one output per input, each frame's mean difference from the CPU's fp32 output within
     * {@link #MEAN_LEVELS_FROM_CPU_FP32}.
     */
    List<CheckResult> accuracy(int width, int height, int frames) throws EngineException {
        StreamSpec spec = new StreamSpec(PixelFormat.NV12, width, height, SCALE);
        List<VideoFrame> inputs = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            inputs.add(KernelChecks.randomFrame(PixelFormat.NV12, width, height, 77L + i));
        }
        List<CheckResult> results = new ArrayList<>();
        for (String name : MODELS) {
            ModelDefinition definition = Models.definition(name);
            List<VideoFrame> reference;
            try (Model cpu = new CpuProvider().load(definition, Precision.FP32, 0)) {
                reference = run(cpu, spec, inputs);
            }
            for (Precision precision : precisions(definition)) {
                String check = "tensorrt-" + name + "-" + precision.nick();
                List<VideoFrame> outputs;
                try (Model model = provider.load(definition, precision, deviceId)) {
                    outputs = run(model, spec, inputs);
                }
                if (outputs.size() != frames) {
                    results.add(CheckResult.fail(check, frames + " frames in, " + outputs.size() + " out"));
                    continue;
                }
                double worstMean = 0;
                int worstMax = 0;
                for (int i = 0; i < frames; i++) {
                    worstMean = Math.max(worstMean, CpuFramePath.meanDifference(reference.get(i), outputs.get(i)));
                    worstMax = Math.max(worstMax, CpuFramePath.maxDifference(reference.get(i), outputs.get(i)));
                }
                double limit = MEAN_LEVELS_FROM_CPU_FP32.get(precision);
                results.add(CheckResult.of(check, worstMean <= limit, String.format(Locale.ROOT,
                        "%d NV12 frames %dx%d x%d: frames in = frames out; against the CPU's fp32 output mean"
                                + " |diff| %.3f levels (limit %.2f), max %d", frames, width, height, SCALE, worstMean,
                        limit, worstMax)));
            }
        }
        return results;
    }

    /**
     * Frames per second of every model and precision producing {@code outputWidth x outputHeight}
     * (x2 from NV12, upload to download, pipelined as in the element), over {@code frames} frames
     * after a warm-up, with the ratio to the cuda backend's bicubic at the same size in this run.
     */
    List<CheckResult> throughput(int outputWidth, int outputHeight, int frames) throws EngineException {
        StreamSpec spec = new StreamSpec(PixelFormat.NV12, outputWidth / SCALE, outputHeight / SCALE, SCALE);
        String size = outputWidth + "x" + outputHeight;
        double bicubic;
        try (StreamingSession session = new CudaBicubicSession(device, spec)) {
            bicubic = framesPerSecond(session, frames);
        }
        List<CheckResult> results = new ArrayList<>();
        results.add(CheckResult.pass("fps-bicubic-" + size, String.format(Locale.ROOT,
                "cuda backend, NV12 %dx%d x%d: %.1f frames/s (the baseline below)", spec.width(), spec.height(), SCALE,
                bicubic)));
        for (String name : MODELS) {
            ModelDefinition definition = Models.definition(name);
            for (Precision precision : precisions(definition)) {
                try (Model model = provider.load(definition, precision, deviceId);
                        StreamingSession session = model.open(spec, options())) {
                    double fps = framesPerSecond(session, frames);
                    results.add(CheckResult.pass("fps-" + name + "-" + precision.nick() + "-" + size,
                            String.format(Locale.ROOT, "tensorrt, NV12 %dx%d x%d: %.1f frames/s, %.2f of bicubic's",
                                    spec.width(), spec.height(), SCALE, fps, fps / bicubic)));
                }
            }
        }
        return results;
    }

    /**
     * vsr-small fp16 x2 on NV12 {@code width x height} for {@code frames} frames: device memory flat
     * ({@link StreamChecks#memoryOverLongStream(String, StreamingSession, int, java.util.function.LongSupplier)};
     * the backend's own pool is not visible from here, so the device's free memory is what is checked).
     */
    CheckResult memory(StreamChecks streams, int width, int height, int frames) throws EngineException {
        try (Model model = provider.load(Models.definition(Models.VSR_SMALL), Precision.FP16, deviceId);
                StreamingSession session = model.open(new StreamSpec(PixelFormat.NV12, width, height, SCALE),
                        options())) {
            return streams.memoryOverLongStream("tensorrt-memory-" + frames + "-frames", session, frames, null);
        }
    }

    /**
     * The tiny golden FlashVSR (the golden data in {@code goldenRoot}, imported into {@code work}) on
     * the tensorrt backend in fp32, replaying upstream's noise: every output frame within 1 level of
     * upstream's PyTorch output, one output per input.
     */
    CheckResult flashVsrGolden(Path goldenRoot, Path work) throws EngineException, IOException {
        GoldenPipeline golden = GoldenPipeline.load(goldenRoot);
        Path pkg = work.resolve("tiny-golden");
        golden.importPackage(pkg);
        StreamSpec spec = new StreamSpec(PixelFormat.RGB, golden.width(), golden.height(), golden.run().scale());
        SessionOptions replay = new SessionOptions(Backend.TENSORRT, deviceId, Precision.FP32, 0, 0,
                new DiffusionOptions(DiffusionOptions.DEFAULT.colorFix(), true, 0, Optional.of(golden.noiseFile())));
        List<VideoFrame> inputs = new ArrayList<>();
        for (int i = 0; i < golden.frames(); i++) {
            VideoFrame input = VideoFrame.allocate(PixelFormat.RGB, golden.width(), golden.height());
            byte[] rows = golden.lowResFrame(i, input.stride(0));
            input.plane(0).put(0, rows, 0, Math.min(rows.length, input.plane(0).capacity()));
            inputs.add(input);
        }
        List<VideoFrame> outputs;
        try (Model model = provider.load(Models.definition(pkg.toString()), Precision.FP32, deviceId);
                StreamingSession session = model.open(spec, replay)) {
            outputs = StreamChecks.run(session, inputs);
        }
        int compared = Math.min(outputs.size(), golden.outputFrames());
        List<byte[]> rows = new ArrayList<>();
        for (VideoFrame frame : outputs.subList(0, compared)) {
            byte[] data = new byte[frame.plane(0).capacity()];
            frame.plane(0).get(0, data);
            rows.add(data);
        }
        GoldenPipeline.Comparison comparison = golden.compare(rows, outputs.isEmpty() ? 0 : outputs.get(0).stride(0));
        boolean passed = outputs.size() == golden.frames() && comparison.maxDifference() <= 1;
        return CheckResult.of("flashvsr-golden", passed, String.format(Locale.ROOT,
                "tiny golden FlashVSR, tensorrt fp32, %d frames in, %d out; against upstream's output: %s (limit 1)",
                golden.frames(), outputs.size(), comparison));
    }

    private SessionOptions options() {
        return new SessionOptions(Backend.TENSORRT, deviceId, 0, 0);
    }

    /** The precisions the model ships at x2 that the TensorRT backend runs, in its order of preference. */
    private List<Precision> precisions(ModelDefinition definition) {
        Set<Precision> shipped = ((ModelDefinition.Recurrent) definition).manifest().precisions(SCALE);
        return provider.capabilities().precisions().stream().filter(shipped::contains).toList();
    }

    private static List<VideoFrame> run(Model model, StreamSpec spec, List<VideoFrame> inputs) throws EngineException {
        try (StreamingSession session = model.open(spec, new SessionOptions(model.backend(), 0, 0, 0))) {
            return StreamChecks.run(session, inputs);
        }
    }

    /** Wall-clock frames per second over {@code frames} frames, after a warm-up of a tenth as many. */
    private static double framesPerSecond(StreamingSession session, int frames) throws EngineException {
        StreamSpec spec = session.spec();
        VideoFrame input = KernelChecks.randomFrame(spec.format(), spec.width(), spec.height(), 3);
        VideoFrame output = VideoFrame.allocate(spec.format(), spec.outputWidth(), spec.outputHeight());
        FrameSink sink = StreamChecks.renderingInto(output, new int[1]);
        int warmUp = Math.max(1, frames / 10);
        for (int i = 0; i < warmUp; i++) {
            session.push(input, sink);
        }
        long start = System.nanoTime();
        for (int i = 0; i < frames; i++) {
            session.push(input, sink);
        }
        session.drain(sink);
        return frames / ((System.nanoTime() - start) / 1e9);
    }
}
