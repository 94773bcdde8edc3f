package dev.flashvsr.engine.tensorrt.backend;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.cuda.DeviceInfo;
import dev.flashvsr.engine.tensorrt.cache.CacheListener;
import dev.flashvsr.engine.tensorrt.cache.EngineBuilder;
import dev.flashvsr.engine.tensorrt.cache.EngineCache;
import dev.flashvsr.engine.tensorrt.cache.EngineKey;
import dev.flashvsr.engine.tensorrt.runtime.BuildSettings;
import dev.flashvsr.engine.tensorrt.runtime.ShapeRange;
import dev.flashvsr.engine.tensorrt.runtime.TrtEngine;
import dev.flashvsr.engine.tensorrt.runtime.TrtException;
import dev.flashvsr.engine.tensorrt.runtime.TrtLog;
import dev.flashvsr.engine.tensorrt.runtime.TrtRuntime;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The TensorRT engines of FlashVSR's exported graphs ({@link FlashVsrGraphFiles}) on one GPU: one
 * fixed-shape profile per graph, built through the {@link EngineCache} (keyed by the graph's
 * SHA-256, so frame size, precision and attention are in the key) with the timing cache beside the
 * engines, and deserialized. An engine the runtime rejects as incompatible is built again, once.
 */
final class FlashVsrEngines {
    /** The builder's workspace limit: the DiT's attention at real sizes needs more than the recurrent models. */
    static final long WORKSPACE_BYTES = 4L << 30;

    private final TrtRuntime runtime;
    private final DeviceInfo gpu;
    private final TrtLog log;

    FlashVsrEngines(TrtRuntime runtime, DeviceInfo gpu, TrtLog log) {
        this.runtime = runtime;
        this.gpu = gpu;
        this.log = log;
    }

    EngineKey key(String name, FlashVsrGraphFiles.Graph graph, Precision precision) {
        TreeMap<String, ShapeRange> shapes = new TreeMap<>();
        graph.inputs().forEach((input, shape) -> shapes.put(input, ShapeRange.fixed(shape)));
        return new EngineKey(name + "-" + graph.which().file().replace(".onnx", ""), graph.sha256(), runtime.version(),
                gpu.name(), gpu.computeCapability(), precision, shapes, WORKSPACE_BYTES, new TreeMap<>());
    }

    /** The engine of one exported graph, from {@code cache} or built now (progress reported). */
    TrtEngine engine(EngineKey key, FlashVsrGraphFiles files, FlashVsrGraphFiles.Graph graph, EngineCache cache,
            OpenProgress progress) throws EngineException {
        CacheListener listener = new CacheListener() {
            @Override
            public void miss(EngineKey missed, Path file) {
                progress.report("building TensorRT engine " + missed.describe() + " (cached in " + file + ")",
                        Double.NaN);
            }

            @Override
            public void warning(String message) {
                progress.warning(message);
            }

            @Override
            public void progress(String line) {
                progress.report(line, Double.NaN);
            }
        };
        EngineBuilder builder = lines -> {
            Map<String, ShapeRange> ranges = new LinkedHashMap<>();
            graph.inputs().forEach((input, shape) -> ranges.put(input, ShapeRange.fixed(shape)));
            Path timingCache = cache.folder().resolve("timing-trt" + runtime.version() + "-sm"
                    + gpu.computeCapability().replace(".", "") + ".cache");
            lines.accept("building the TensorRT engine of the FlashVSR " + graph.which().what());
            return runtime.buildEngine(files.verifiedFile(graph.which()),
                    new BuildSettings(ranges, WORKSPACE_BYTES, Optional.of(timingCache)), (severity, message) -> {
                        log.log(severity, message);
                        if (severity == TrtLog.Severity.INFO) {
                            lines.accept(message);
                        }
                    });
        };
        try {
            try {
                return runtime.deserialize(cache.load(key, builder, listener), log);
            } catch (TrtException e) {
                if (e.kind() != TrtException.Kind.INCOMPATIBLE) {
                    throw e;
                }
                cache.invalidate(key, e.getMessage(), listener);
                return runtime.deserialize(cache.load(key, builder, listener), log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while waiting for the TensorRT engine of " + key.describe(),
                    "Start again", e);
        }
    }
}
