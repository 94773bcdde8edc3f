package dev.flashvsr.engine.tensorrt.backend;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.cuda.DeviceInfo;
import dev.flashvsr.engine.tensorrt.cache.CacheListener;
import dev.flashvsr.engine.tensorrt.cache.EngineBuilder;
import dev.flashvsr.engine.tensorrt.cache.EngineCache;
import dev.flashvsr.engine.tensorrt.cache.EngineKey;
import dev.flashvsr.engine.tensorrt.runtime.BuildSettings;
import dev.flashvsr.engine.tensorrt.runtime.EnginePlan;
import dev.flashvsr.engine.tensorrt.runtime.ShapeRange;
import dev.flashvsr.engine.tensorrt.runtime.TrtEngine;
import dev.flashvsr.engine.tensorrt.runtime.TrtException;
import dev.flashvsr.engine.tensorrt.runtime.TrtLog;
import dev.flashvsr.engine.tensorrt.runtime.TrtRuntime;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Engines on one GPU through the {@link EngineCache}, the part every model kind shares: built on a
 * miss with the timing cache kept beside the engines, TensorRT's messages to the log and its INFO
 * lines to the open's progress, a parse failure explained by the static check, and an engine the
 * runtime rejects as incompatible (another TensorRT, another GPU) dropped and built again, once.
 */
final class CachedEngines {
    private final TrtRuntime runtime;
    private final DeviceInfo gpu;
    private final TrtLog log;

    CachedEngines(TrtRuntime runtime, DeviceInfo gpu, TrtLog log) {
        this.runtime = runtime;
        this.gpu = gpu;
        this.log = log;
    }

    TrtRuntime runtime() {
        return runtime;
    }

    DeviceInfo gpu() {
        return gpu;
    }

    /** The engine of {@code key}, from {@code cache} or built by {@code builder} (progress reported). */
    TrtEngine engine(EngineKey key, EngineCache cache, OpenProgress progress, EngineBuilder builder)
            throws EngineException {
        CacheListener listener = new ProgressListener(progress);
        try {
            try {
                return deserialize(cache.load(key, builder, listener));
            } catch (TrtException e) {
                if (e.kind() != TrtException.Kind.INCOMPATIBLE) {
                    throw e;
                }
                cache.invalidate(key, e.getMessage(), listener);
                return deserialize(cache.load(key, builder, listener));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while waiting for the TensorRT engine of " + key.describe(),
                    "Start again", e);
        }
    }

    /** Loads {@code plan} and closes it, which deletes it when it was built outside the cache. */
    private TrtEngine deserialize(EnginePlan plan) throws TrtException {
        try (plan) {
            return runtime.deserialize(plan, log);
        } catch (IOException e) {
            throw new TrtException(TrtException.Kind.INCOMPATIBLE, "cannot read the TensorRT engine " + plan + " ("
                    + e.getMessage() + ")", "check the disk; the engine is built again");
        }
    }

    /**
     * Builds {@code onnx} (named {@code graph} in messages) with one optimization profile, the
     * timing cache of {@code cache}'s folder and, when asked, weight streaming, into {@code plan};
     * TensorRT's INFO lines go to {@code lines}.
     */
    void build(Path onnx, String graph, Map<String, ShapeRange> profile, long workspaceBytes, boolean weightStreaming,
            EngineCache cache, WritableByteChannel plan, Consumer<String> lines) throws EngineException, IOException {
        try {
            runtime.buildEngine(onnx, new BuildSettings(profile, workspaceBytes,
                    Optional.of(timingCache(cache)), weightStreaming), plan, (severity, message) -> {
                        log.log(severity, message);
                        if (severity == TrtLog.Severity.INFO) {
                            lines.accept(message);
                        }
                    });
        } catch (TrtException e) {
            throw ParseFailures.explained(e, graph, onnx);
        }
    }

    /**
     * The timing cache kept beside the engines: TensorRT's measured tactic timings, which make the
     * next build (another size, precision or model) faster on the same GPU and TensorRT.
     */
    private Path timingCache(EngineCache cache) {
        return cache.folder().resolve("timing-trt" + runtime.version() + "-sm" + gpu.computeCapability().replace(".", "")
                + ".cache");
    }

    /** Cache events as the open's progress steps. */
    private record ProgressListener(OpenProgress progress) implements CacheListener {
        @Override
        public void miss(EngineKey key, Path file) {
            progress.report("building TensorRT engine " + key.describe() + " (cached in " + file + ")", Double.NaN);
        }

        @Override
        public void warning(String message) {
            progress.warning(message);
        }

        @Override
        public void progress(String line) {
            progress.report(line, Double.NaN);
        }
    }
}
