package dev.flashvsr.engine.tensorrt.backend;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameSizeRange;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.cuda.DeviceInfo;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.pkg.ModelPackage;
import dev.flashvsr.engine.tensorrt.cache.EngineCache;
import dev.flashvsr.engine.tensorrt.cache.EngineKey;
import dev.flashvsr.engine.tensorrt.runtime.ShapeRange;
import dev.flashvsr.engine.tensorrt.runtime.TrtEngine;
import dev.flashvsr.engine.tensorrt.runtime.TrtLog;
import dev.flashvsr.engine.tensorrt.runtime.TrtRuntime;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
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
    private final CachedEngines engines;

    RecurrentEngines(ModelPackage modelPackage, TrtRuntime runtime, DeviceInfo gpu, TrtLog log) {
        this.modelPackage = modelPackage;
        this.engines = new CachedEngines(runtime, gpu, log);
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
                + "-" + size, graph.sha256(), engines.runtime().version(), engines.gpu().name(),
                engines.gpu().computeCapability(),
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
        return engines.engine(key(graph, width, height, sizes), cache, progress,
                (plan, lines) -> build(graph, width, height, sizes, cache, plan, lines));
    }

    private void build(ModelManifest.Graph graph, int width, int height, Optional<FrameSizeRange> sizes,
            EngineCache cache, WritableByteChannel plan, Consumer<String> lines) throws EngineException, IOException {
        Path onnx = graphFile(graph);
        try {
            lines.accept("building the TensorRT engine of " + graph.file() + " for " + sizes.map(range -> "input sizes "
                    + range.text() + ", tuned for ").orElse("") + width + "x" + height);
            engines.build(onnx, graph.file(), profile(graph, width, height, sizes), WORKSPACE_BYTES, false, cache, plan,
                    lines);
        } finally {
            try {
                Files.deleteIfExists(onnx);
            } catch (IOException e) {
                // a leftover temporary file is harmless
            }
        }
    }

    /** The graph in a temporary file: TensorRT's parser reads a file, and the built-in packages live in the jar. */
    private Path graphFile(ModelManifest.Graph graph) throws EngineException {
        Path onnx = null;
        try {
            onnx = Files.createTempFile("flashvsr-" + graph.file().replace('/', '_'), ".onnx");
            return Files.write(onnx, modelPackage.graph(graph));
        } catch (IOException e) {
            try {
                if (onnx != null) {
                    Files.deleteIfExists(onnx);
                }
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw new EngineException("cannot write " + graph.file() + " to a temporary file for TensorRT's parser: "
                    + e.getMessage(), "Free space in the temporary folder (java.io.tmpdir)", e);
        }
    }
}
