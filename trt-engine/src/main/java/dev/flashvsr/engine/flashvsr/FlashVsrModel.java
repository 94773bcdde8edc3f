package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.DiffusionOptions;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.cache.BuildCache;
import dev.flashvsr.engine.memory.MachineMemory;
import dev.flashvsr.engine.flashvsr.pixels.ColorFix;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * FlashVSR (a package written by {@code flashvsr import}) behind the engine's session API, on
 * ONNX Runtime on the CPU or on another {@link FlashVsrRuntime}. Sessions open their graphs for
 * the stream's frame size.
 */
public final class FlashVsrModel implements Model {
    private final FlashVsrPackage pkg;
    private final FlashVsrRuntime runtime;

    public FlashVsrModel(FlashVsrPackage pkg) {
        this(pkg, MachineMemory::read);
    }

    /** @param memory reads what the machine has available when a stream opens */
    FlashVsrModel(FlashVsrPackage pkg, Supplier<MachineMemory> memory) {
        this(pkg, new OrtFlashVsrRuntime(memory));
    }

    /** The package on {@code runtime}; closing the model closes both. */
    public FlashVsrModel(FlashVsrPackage pkg, FlashVsrRuntime runtime) {
        this.pkg = pkg;
        this.runtime = runtime;
    }

    @Override
    public Backend backend() {
        return runtime.backend();
    }

    @Override
    public String name() {
        return pkg.folder().toString();
    }

    @Override
    public boolean isNeural() {
        return true;
    }

    /** Designed for x4; x2 works the same way (the projector sees the bicubic-upscaled frames). */
    @Override
    public Set<Integer> scales() {
        return Set.of(2, 4);
    }

    /** The runtime's precisions (on the CPU fp32 first, see {@link OrtFlashVsrRuntime#precisions}). */
    @Override
    public Set<Precision> precisions(int scale) {
        return runtime.precisions(pkg.int8Scales().isPresent());
    }

    /** The precisions a FlashVSR package runs in on the CPU: see {@link OrtFlashVsrRuntime#precisions}. */
    public static Set<Precision> precisionsOffered(boolean calibrated) {
        return OrtFlashVsrRuntime.offered(calibrated);
    }

    @Override
    public int latencyFrames() {
        return FlashVsrSession.LATENCY_FRAMES;
    }

    @Override
    public StreamingSession open(StreamSpec spec, SessionOptions options) throws EngineException {
        return open(spec, options, OpenProgress.NONE);
    }

    /**
     * Opens a stream: its graphs come from the package's graph cache ({@link #cache}), built there
     * first when this frame size was never run.
     */
    @Override
    public StreamingSession open(StreamSpec spec, SessionOptions options, OpenProgress progress)
            throws EngineException {
        resolveBackend(options.backend());
        if (!scales().contains(spec.scale())) {
            throw new EngineException("FlashVSR upscales by 2 or 4, not " + spec.scale(), "Set scale to 4");
        }
        Precision precision = resolvePrecision(options.precision(), spec.scale());
        DiffusionOptions diffusion = options.diffusion();
        FramePreparation frames = new FramePreparation(spec.width(), spec.height(), spec.scale(),
                diffusion.upstreamReference());
        String stream = "FlashVSR at " + frames.modelWidth() + "x" + frames.modelHeight() + " (" + spec.width() + "x"
                + spec.height() + " x" + spec.scale() + ", " + precision.nick() + ")";
        int latentChannels = pkg.config().dit().inDim();
        int latentH = frames.modelHeight() / 8;
        int latentW = frames.modelWidth() / 8;
        LatentNoise noise = diffusion.noiseFile().isPresent()
                ? LatentNoise.fromFile(diffusion.noiseFile().get(), diffusion.seed(), latentChannels, latentH, latentW)
                : LatentNoise.generated(diffusion.seed(), latentChannels, latentH, latentW);
        ChunkGraphs graphs;
        try {
            graphs = runtime.open(pkg, frames.modelWidth(), frames.modelHeight(), precision, stream, options,
                    progress);
        } catch (IllegalArgumentException e) {
            noise.close();
            // Settings the package accepted that this frame size cannot use (an LCSA ratio that
            // selects no block), or a tensor too large for the heap: the message names it.
            throw new EngineException("FlashVSR package " + pkg.folder() + " cannot run frames of " + frames.modelWidth()
                    + "x" + frames.modelHeight() + ": " + e.getMessage(), "Re-import the package with other attention "
                    + "settings (flashvsr import --help) or give the JVM more heap", e);
        } catch (EngineException | RuntimeException e) {
            noise.close();
            throw e;
        }
        Optional<FrameStore> onDevice;
        try {
            // upstream-reference mode's PIL bicubic on 8-bit frames has no GPU kernel: host frames
            onDevice = diffusion.upstreamReference() ? Optional.empty()
                    : graphs.deviceFrames(spec, frames.modelWidth(), frames.modelHeight(), diffusion.colorFix());
        } catch (EngineException | RuntimeException e) {
            graphs.close();
            noise.close();
            throw e;
        }
        if (onDevice.isPresent()) {
            return new FlashVsrSession(spec, graphs, new ChunkRunner(graphs, noise, onDevice.get()), onDevice.get());
        }
        ColorFix colorFix = switch (diffusion.colorFix()) {
            case ADAIN -> new ColorFix(ColorFix.Method.ADAIN, frames.modelWidth(), frames.modelHeight());
            case WAVELET -> new ColorFix(ColorFix.Method.WAVELET, frames.modelWidth(), frames.modelHeight());
            case NONE -> null;
        };
        return new FlashVsrSession(spec, graphs, new FlashVsrStream(graphs, noise, colorFix), frames);
    }

    /**
     * Builds the fp32 graphs a stream of {@code outputWidth x outputHeight} output frames needs into the
     * package's graph cache (or checks the cached ones), and loads them once to be sure they run,
     * so that the first stream of that size starts without building.
     *
     * @return the model frame size the graphs are for ("1280x768" for 1280x720 output)
     */
    public static String prepare(Path packageDir, int outputWidth, int outputHeight, OpenProgress progress)
            throws EngineException {
        int width = FramePreparation.modelSide(outputWidth);
        int height = FramePreparation.modelSide(outputHeight);
        try (FlashVsrPackage pkg = FlashVsrPackage.open(packageDir);
                FlashVsrGraphs graphs = FlashVsrGraphs.open(pkg, width, height, pkg.attention(),
                        GraphPrecision.of(Precision.FP32, pkg), Runtime.getRuntime().availableProcessors(),
                        cache(pkg, progress::warning), progress)) {
            return width + "x" + height;
        } catch (IllegalArgumentException e) {
            throw new EngineException("FlashVSR package " + packageDir + " cannot run frames of " + width + "x" + height
                    + ": " + e.getMessage(), "Re-import the package with other attention settings", e);
        }
    }

    /** Environment variable naming the folder that holds graph caches instead of each package's own. */
    public static final String CACHE_DIR_VARIABLE = "FLASHVSR_CACHE_DIR";

    /**
     * The CPU backend's graph cache of {@code pkg}: {@code <package>/cache/onnx-cpu}, or
     * {@code $FLASHVSR_CACHE_DIR/onnx-cpu} when that is set (entries are keyed by package content,
     * so packages can share it).
     */
    static BuildCache cache(FlashVsrPackage pkg, Consumer<String> warnings) {
        String variable = System.getenv(CACHE_DIR_VARIABLE);
        Path root = variable != null && !variable.isBlank() ? Path.of(variable) : pkg.folder().resolve("cache");
        return new BuildCache(root.resolve("onnx-cpu"), warnings);
    }

    @Override
    public void close() {
        try {
            runtime.close();
        } finally {
            pkg.close();
        }
    }
}
