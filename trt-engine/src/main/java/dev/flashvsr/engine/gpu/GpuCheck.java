package dev.flashvsr.engine.gpu;

import dev.flashvsr.engine.cache.BuildCache;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaRuntime;
import dev.flashvsr.engine.cuda.DeviceInfo;
import dev.flashvsr.engine.tensorrt.cache.EngineCache;
import dev.flashvsr.engine.tensorrt.runtime.TrtRuntimes;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The checks that need a GPU, runnable with nothing but the jars, a JRE and the NVIDIA driver
 * ({@code scripts/gpu-check.sh} runs it): the runtime found, every frame kernel against the CPU on
 * the same frames, the cuda backend's sessions, NV12 to FP16 throughput at 1080p and 4K against a
 * device-to-device copy, and device memory over a long stream; then, where TensorRT loads, the
 * TensorRT backend ({@link TrtChecks}: each model and precision against the CPU, frames per second
 * at 720p and 1080p output, memory over a long stream, and the tiny golden FlashVSR against
 * upstream when its data is given). One summary line per check; the exit status
 * is 0 when all pass (TensorRT missing is a skip, with its reason), 1 when one fails, 2 when there is
 * no usable GPU.
 */
public final class GpuCheck {
    /**
     * @param deviceId      the GPU to check
     * @param memoryFrames  frames streamed for the memory check
     * @param timings       whether to run the throughput checks (off where kernels are emulated on the host)
     */
    record Settings(int deviceId, int memoryFrames, boolean timings, int sessionWidth, int sessionHeight) {
        static final Settings DEFAULT = new Settings(0, 10_000, true, 320, 180);
    }

    /**
     * The TensorRT part: models against the CPU on {@code frames} frames of {@code width x height}
     * (x2), frames per second at each of {@code outputSizes} ({width, height}) over {@code fpsFrames}
     * frames, and the engine cache used.
     */
    record TrtSettings(int width, int height, int frames, List<int[]> outputSizes, int fpsFrames,
            Path engineCache, Optional<Path> flashVsrGolden) {
        static TrtSettings defaults() {
            // 640x360 x2 is 1280x720: the accuracy check's engines are the 720p throughput engines
            return new TrtSettings(640, 360, 8, List.of(new int[] {1280, 720}, new int[] {1920, 1080}), 300,
                    EngineCache.defaultFolder(), Optional.empty());
        }

        TrtSettings withEngineCache(Path folder) {
            return new TrtSettings(width, height, frames, outputSizes, fpsFrames, folder, flashVsrGolden);
        }

        TrtSettings withFlashVsrGolden(Path goldenRoot) {
            return new TrtSettings(width, height, frames, outputSizes, fpsFrames, engineCache,
                    Optional.of(goldenRoot));
        }
    }

    private final CudaRuntime.Availability cuda;
    private final TrtRuntimes.Availability tensorRt;
    private final Settings settings;
    private final TrtSettings trtSettings;
    private final PrintStream out;

    GpuCheck(CudaRuntime.Availability cuda, TrtRuntimes.Availability tensorRt, Settings settings,
            TrtSettings trtSettings, PrintStream out) {
        this.cuda = cuda;
        this.tensorRt = tensorRt;
        this.settings = settings;
        this.trtSettings = trtSettings;
        this.out = out;
    }

    public static void main(String[] args) {
        Settings settings = Settings.DEFAULT;
        TrtSettings trt = TrtSettings.defaults();
        boolean withTensorRt = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--engine-cache" -> trt = trt.withEngineCache(Path.of(args[++i]));
                case "--flashvsr-golden" -> trt = trt.withFlashVsrGolden(Path.of(args[++i]));
                case "--no-tensorrt" -> withTensorRt = false;
                case "--device" -> settings = new Settings(Integer.parseInt(args[++i]), settings.memoryFrames(),
                        settings.timings(), settings.sessionWidth(), settings.sessionHeight());
                case "--memory-frames" -> settings = new Settings(settings.deviceId(), Integer.parseInt(args[++i]),
                        settings.timings(), settings.sessionWidth(), settings.sessionHeight());
                default -> {
                    System.err.println("usage: GpuCheck [--device N] [--memory-frames N] [--engine-cache DIR]"
                            + " [--flashvsr-golden DIR] [--no-tensorrt]");
                    System.exit(2);
                }
            }
        }
        TrtRuntimes.Availability tensorRt = withTensorRt ? TrtRuntimes.probe()
                : new TrtRuntimes.Availability(null, "left out (--no-tensorrt)");
        System.exit(new GpuCheck(CudaRuntime.probe(), tensorRt, settings, trt, System.out).run());
    }

    /** Runs every check and prints its line; the exit status (0 all passed, 1 a failure, 2 no GPU). */
    int run() {
        if (!cuda.usable()) {
            print(CheckResult.fail("runtime", cuda.reason()));
            return 2;
        }
        List<CheckResult> results = new ArrayList<>();
        DeviceInfo gpu = cuda.devices().stream().filter(d -> d.ordinal() == settings.deviceId()).findFirst()
                .orElse(null);
        String gpus = cuda.devices().size() + " GPU(s)";
        if (gpu == null) {
            print(CheckResult.fail("runtime", "no GPU " + settings.deviceId() + " among " + gpus));
            return 2;
        }
        results.add(print(CheckResult.pass("runtime", String.format(Locale.ROOT,
                "driver CUDA %s, %s; checking %d: %s, compute %s, %d MiB", CudaProvider.version(cuda.driverVersion()),
                gpus, gpu.ordinal(), gpu.name(), gpu.computeCapability(), gpu.totalMemoryBytes() >> 20))));
        try (CudaDevice device = CudaDevice.open(cuda.driver(), settings.deviceId());
                var stream = device.newStream()) {
            KernelChecks kernels = new KernelChecks(device, stream, KernelChecks.WIDTH, KernelChecks.HEIGHT);
            StreamChecks streams = new StreamChecks(device);
            results.add(print(attempt("color-to-planar", kernels::toPlanar)));
            results.add(print(attempt("planar-to-color", kernels::fromPlanar)));
            results.add(print(attempt("bicubic", kernels::bicubic)));
            results.add(print(attempt("pad-crop", kernels::padAndCrop)));
            results.add(print(attempt("cuda-sessions",
                    () -> streams.sessions(settings.sessionWidth(), settings.sessionHeight(), 12))));
            if (settings.timings()) {
                results.add(print(attempt("nv12-to-fp16-1920x1080",
                        () -> streams.nv12ToFp16Throughput(1920, 1080, 200))));
                results.add(print(attempt("nv12-to-fp16-3840x2160",
                        () -> streams.nv12ToFp16Throughput(3840, 2160, 100))));
            }
            results.add(print(attempt("memory-" + settings.memoryFrames() + "-frames",
                    () -> streams.memoryOverLongStream(640, 360, settings.memoryFrames()))));
            if (tensorRt.usable()) {
                runTensorRt(results, new TrtChecks(cuda, tensorRt, new EngineCache(trtSettings.engineCache()),
                        device), streams);
            } else {
                print(new CheckResult("tensorrt", CheckResult.Outcome.SKIP, tensorRt.reason()));
            }
        } catch (Exception e) {
            results.add(print(CheckResult.fail("device", "GPU " + settings.deviceId() + " failed: " + e)));
        }
        long failed = results.stream().filter(r -> r.outcome() == CheckResult.Outcome.FAIL).count();
        out.println("gpu-check: " + (results.size() - failed) + " of " + results.size() + " checks passed");
        return failed == 0 ? 0 : 1;
    }

    /** The TensorRT checks; the accuracy and throughput lists count as one check each when they throw. */
    private void runTensorRt(List<CheckResult> results, TrtChecks trt, StreamChecks streams) {
        print(CheckResult.pass("tensorrt", "TensorRT " + tensorRt.runtime().version() + "; engines in "
                + trtSettings.engineCache() + " (built on the first run, read from there on later ones)"));
        attemptAll(results, "tensorrt-accuracy",
                () -> trt.accuracy(trtSettings.width(), trtSettings.height(), trtSettings.frames()));
        for (int[] size : trtSettings.outputSizes()) {
            attemptAll(results, "fps-" + size[0] + "x" + size[1],
                    () -> trt.throughput(size[0], size[1], trtSettings.fpsFrames()));
        }
        results.add(print(attempt("tensorrt-memory-" + settings.memoryFrames() + "-frames",
                () -> trt.memory(streams, trtSettings.width(), trtSettings.height(), settings.memoryFrames()))));
        if (trtSettings.flashVsrGolden().isEmpty()) {
            print(new CheckResult("flashvsr-golden", CheckResult.Outcome.SKIP,
                    "no golden data given (--flashvsr-golden DIR: the folder holding release-layout/ and pipeline/)"));
            return;
        }
        results.add(print(attempt("flashvsr-golden", () -> {
            Path work = Files.createTempDirectory("flashvsr-gpu-check");
            try {
                return trt.flashVsrGolden(trtSettings.flashVsrGolden().get(), work);
            } finally {
                BuildCache.deleteTree(work); // what cannot be removed stays in the temporary folder
            }
        })));
    }

    @FunctionalInterface
    private interface Checks {
        List<CheckResult> run() throws Exception;
    }

    private void attemptAll(List<CheckResult> results, String name, Checks checks) {
        try {
            checks.run().forEach(r -> results.add(print(r)));
        } catch (Exception | LinkageError e) {
            results.add(print(CheckResult.fail(name, "threw " + e)));
        }
    }

    @FunctionalInterface
    private interface Check {
        CheckResult run() throws Exception;
    }

    /** The check's result, or a failure carrying what it threw (the other checks still run). */
    private static CheckResult attempt(String name, Check check) {
        try {
            return check.run();
        } catch (Exception | LinkageError e) {
            return CheckResult.fail(name, "threw " + e);
        }
    }

    private CheckResult print(CheckResult result) {
        out.println(result.line());
        out.flush();
        return result;
    }
}
