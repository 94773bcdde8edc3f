package dev.flashvsr.tools;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameSizeRange;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flashvsr build-engine}: builds the TensorRT engines of a model for a frame size ahead of
 * time (what Jetson users do once), into the engine cache the element then reads.
 */
@Command(name = "build-engine", mixinStandardHelpOptions = true,
        description = {"Build the TensorRT engines of a model for one input size ahead of time, into the engine",
                "cache that flashvsrfilter backend=tensorrt (or auto) reads at start. Needs an NVIDIA GPU and TensorRT."})
final class BuildEngineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PACKAGE", description = "A model package folder or a built-in model name.")
    String model;

    @Option(names = "--size", paramLabel = "WxH", required = true, description = "The input frame size.")
    String size;

    @Option(names = "--scale", paramLabel = "2|4", split = ",",
            description = "Scales to build (default: every scale the model has).")
    List<Integer> scales;

    @Option(names = "--precision", paramLabel = "auto|fp32|fp16|int8", defaultValue = "auto",
            description = "The graph variant (default: ${DEFAULT-VALUE}, the backend's first the model has).")
    String precision;

    @Option(names = "--engine-cache", paramLabel = "DIR",
            description = "The engine cache folder (default: $XDG_CACHE_HOME/flashvsr/engines, else ~/.cache/flashvsr/engines).")
    Path engineCache;

    @Option(names = "--engine-sizes", paramLabel = "MINWxMINH-MAXWxMAXH",
            description = {"Input sizes each engine accepts (e.g. 640x360-1920x1080; it must contain --size, which it"
                    + " is tuned for).", "Start flashvsrfilter with the same engine-sizes to use these engines."
                    + " Default: --size only."})
    String engineSizes;

    @Option(names = "--device-id", paramLabel = "N", defaultValue = "0", description = "The GPU (default: 0).")
    int deviceId;

    @Override
    public Integer call() {
        int[] wh = BenchCommand.parseSize(size);
        Precision chosen = EngineChoices.precision(precision);
        PrintWriter out = spec.commandLine().getOut();
        SessionOptions options = new SessionOptions(Backend.TENSORRT, deviceId, 0, 0).withPrecision(chosen);
        if (engineCache != null) {
            options = options.withEngineCache(engineCache.toAbsolutePath());
        }
        if (engineSizes != null) {
            options = options.withEngineSizes(sizesContaining(wh));
        }
        try (Model resolved = Models.resolve(model, Backend.TENSORRT, chosen, deviceId)) {
            for (int scale : scales == null ? List.copyOf(resolved.scales()) : scales) {
                if (!resolved.scales().contains(scale)) {
                    throw CliException.usage("--scale " + scale + ": model '" + resolved.name() + "' has scales "
                            + resolved.scales());
                }
                StreamSpec stream = new StreamSpec(PixelFormat.RGB, wh[0], wh[1], scale);
                OpenProgress progress = (step, fraction) -> {
                    out.println("x" + scale + ": " + step);
                    out.flush();
                };
                try (StreamingSession session = resolved.open(stream, options, progress)) {
                    out.println("x" + scale + ": engine ready for " + wh[0] + "x" + wh[1] + " in "
                            + resolved.resolvePrecision(chosen, scale).nick());
                }
            }
        } catch (EngineException e) {
            throw CliException.failure(e.getMessage() + (e.remedy().isEmpty() ? "" : " (" + e.remedy() + ")"));
        }
        out.flush();
        return FlashVsrCli.EXIT_OK;
    }

    /** {@code --engine-sizes}; a usage error when it is no size range or leaves out {@code --size}. */
    private FrameSizeRange sizesContaining(int[] wh) {
        FrameSizeRange sizes;
        try {
            sizes = FrameSizeRange.parse("--engine-sizes", engineSizes);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        if (!sizes.contains(wh[0], wh[1])) {
            throw CliException.usage("--engine-sizes " + sizes + " does not contain --size " + size
                    + ": give a range around the size to tune for");
        }
        return sizes;
    }
}
