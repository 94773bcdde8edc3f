package dev.flashvsr.engine.tensorrt.backend;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameSizeRange;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.cuda.DeviceInfo;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.pkg.ModelPackage;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The TensorRT engines of one recurrent package on one GPU: each graph is built for the stream's
 * frame size or for a range of sizes around it (one optimization profile: [1, 3, H, W] frames and
 * [1, C, H, W] states), through the
 * {@link EngineCache}, and deserialized. An engine the runtime rejects as incompatible (another
 * TensorRT, another GPU) is dropped from the cache and built again, once.
 */
final class RecurrentEngines {
    /** TensorRT's builder workspace: ample for these small graphs, and part of the cache key. */
    static final long WORKSPACE_BYTES = 1L << 30;

    private final ModelPackage modelPackage;
    private final TrtRuntime runtime;
    private final DeviceInfo gpu;
    private final TrtLog log;

    RecurrentEngines(ModelPackage modelPackage, TrtRuntime runtime, DeviceInfo gpu, TrtLog log) {
        this.modelPackage = modelPackage;
        this.runtime = runtime;
        this.gpu = gpu;
        this.log = log;
    }

    /** The profile of {@code graph} for frames of {@code width x height}: every input at its one shape. */
    static Map<String, long[]> inputShapes(ModelManifest.Graph graph, int width, int height) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        long[] frame = {1, 3, height, width};
        shapes.put(graph.frameInput(), frame);
        graph.previousInput().ifPresent(previous -> shapes.put(previous, frame));
        for (ModelManifest.State state : graph.state()) {
            shapes.put(state.input(), new long[] {1, state.channels(), height, width});
        }
        return shapes;
    }

    /**
     * The optimization profile of {@code graph}: every input from the smallest to the largest size
     * of {@code sizes}, tuned for {@code width x height} (which {@code sizes} must contain), or at
     * that one size when {@code sizes} is empty.
     */
    static Map<String, ShapeRange> profile(ModelManifest.Graph graph, int width, int height,
            Optional<FrameSizeRange> sizes) {
        Map<String, long[]> opt = inputShapes(graph, width, height);
        FrameSizeRange range = sizes.orElse(new FrameSizeRange(width, height, width, height));
        Map<String, long[]> min = inputShapes(graph, range.minWidth(), range.minHeight());
        Map<String, long[]> max = inputShapes(graph, range.maxWidth(), range.maxHeight());
        Map<String, ShapeRange> profile = new LinkedHashMap<>();
        opt.forEach((name, shape) -> profile.put(name, new ShapeRange(min.get(name), shape, max.get(name))));
        return profile;
    }

    EngineKey key(ModelManifest.Graph graph, int width, int height, Optional<FrameSizeRange> sizes) {
        String size = sizes.map(FrameSizeRange::text).orElse(width + "x" + height);
        return new EngineKey(modelPackage.manifest().name() + "-x" + graph.scale() + "-" + graph.precision().nick()
                + "-" + size, graph.sha256(), runtime.version(), gpu.name(), gpu.computeCapability(),
                graph.precision(), new TreeMap<>(profile(graph, width, height, sizes)), WORKSPACE_BYTES,
                new TreeMap<>());
    }

    /**
     * The engine of {@code graph} for frames of {@code width x height}, accepting every size of
     * {@code sizes} when given (which must contain this one), from {@code cache} or built now
     * (progress reported).
     */
    TrtEngine engine(ModelManifest.Graph graph, int width, int height, Optional<FrameSizeRange> sizes,
            EngineCache cache, OpenProgress progress) throws EngineException {
        EngineKey key = key(graph, width, height, sizes);
        CacheListener listener = new ProgressListener(progress);
        EngineBuilder builder = lines -> build(graph, width, height, sizes, cache, lines);
        try {
            byte[] plan = cache.load(key, builder, listener);
            try {
                return runtime.deserialize(plan, log);
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

    /**
     * The timing cache kept beside the engines: TensorRT's measured tactic timings, which make the
     * next build (another size, precision or model) faster on the same GPU and TensorRT.
     */
    private Path timingCache(EngineCache cache) {
        return cache.folder().resolve("timing-trt" + runtime.version() + "-sm" + gpu.computeCapability().replace(".", "")
                + ".cache");
    }

    private byte[] build(ModelManifest.Graph graph, int width, int height, Optional<FrameSizeRange> sizes,
            EngineCache cache, Consumer<String> lines) throws EngineException {
        Path onnx = null;
        try {
            // TensorRT's parser reads a file; the built-in packages live in the jar
            onnx = Files.createTempFile("flashvsr-" + graph.file().replace('/', '_'), ".onnx");
            Files.write(onnx, modelPackage.graph(graph));
            lines.accept("building the TensorRT engine of " + graph.file() + " for " + sizes.map(range -> "input sizes "
                    + range.text() + ", tuned for ").orElse("") + width + "x" + height);
            BuildSettings settings = new BuildSettings(profile(graph, width, height, sizes), WORKSPACE_BYTES, Optional.of(timingCache(cache)));
            return runtime.buildEngine(onnx, settings, (severity, message) -> {
                log.log(severity, message);
                if (severity == TrtLog.Severity.INFO) {
                    lines.accept(message);
                }
            });
        } catch (TrtException e) {
            throw ParseFailures.explained(e, graph.file(), onnx);
        } catch (IOException e) {
            throw new EngineException("cannot write " + graph.file() + " to a temporary file for TensorRT's parser: "
                    + e.getMessage(), "Free space in the temporary folder (java.io.tmpdir)", e);
        } finally {
            if (onnx != null) {
                try {
                    Files.deleteIfExists(onnx);
                } catch (IOException e) {
                    // a leftover temporary file is harmless
                }
            }
        }
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
