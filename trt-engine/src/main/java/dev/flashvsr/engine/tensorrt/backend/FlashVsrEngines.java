package dev.flashvsr.engine.tensorrt.backend;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.cuda.DeviceInfo;
import dev.flashvsr.engine.flashvsr.ExportedGraph;
import dev.flashvsr.engine.tensorrt.cache.EngineCache;
import dev.flashvsr.engine.tensorrt.cache.EngineKey;
import dev.flashvsr.engine.tensorrt.runtime.ShapeRange;
import dev.flashvsr.engine.tensorrt.runtime.TrtEngine;
import dev.flashvsr.engine.tensorrt.runtime.TrtLog;
import dev.flashvsr.engine.tensorrt.runtime.TrtRuntime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The TensorRT engines of FlashVSR's exported graphs ({@link FlashVsrGraphFiles}) on one GPU: one
 * fixed-shape profile per graph, built through the {@link EngineCache} (keyed by the graph's
 * SHA-256, so frame size, precision and attention are in the key) with the timing cache beside the
 * engines, and deserialized. An engine the runtime rejects as incompatible is built again, once.
 *
 * <p>The chunk-0 DiT streams all its weights from host memory: it runs once per stream start or
 * reset, using each weight once, so streaming costs about one copy of them over PCIe, while keeping
 * them would hold the DiT's weights on the GPU twice (TensorRT engines cannot share weights).
 */
final class FlashVsrEngines {
    /** The builder's workspace limit: the DiT's attention at real sizes needs more than the recurrent models. */
    static final long WORKSPACE_BYTES = 4L << 30;
    /** The builder option in the engine key of engines built with weight streaming. */
    static final String WEIGHT_STREAMING_OPTION = "weight-streaming";

    private final CachedEngines engines;

    FlashVsrEngines(TrtRuntime runtime, DeviceInfo gpu, TrtLog log) {
        this.engines = new CachedEngines(runtime, gpu, log);
    }

    EngineKey key(String name, FlashVsrGraphFiles.Graph graph, Precision precision) {
        return new EngineKey(name + "-" + graph.which().file().replace(".onnx", ""), graph.sha256(),
                engines.runtime().version(), engines.gpu().name(), engines.gpu().computeCapability(), precision,
                new TreeMap<>(profile(graph)), WORKSPACE_BYTES, builderOptions(graph.which()));
    }

    /** The engine of one exported graph, from {@code cache} or built now (progress reported). */
    TrtEngine engine(EngineKey key, FlashVsrGraphFiles files, FlashVsrGraphFiles.Graph graph, EngineCache cache,
            OpenProgress progress) throws EngineException {
        boolean streamed = streamsWeights(graph.which());
        TrtEngine engine = engines.engine(key, cache, progress, (plan, lines) -> {
            lines.accept("building the TensorRT engine of the FlashVSR " + graph.which().what());
            engines.build(files.verifiedFile(graph.which()), graph.which().file(), profile(graph),
                    WORKSPACE_BYTES, streamed, cache, plan, lines);
        });
        if (streamed) {
            streamAllWeights(engine, graph.which(), progress);
        }
        return engine;
    }

    /** Only the chunk-0 DiT: the other graphs run every chunk, so streaming would copy their weights each time. */
    static boolean streamsWeights(ExportedGraph which) {
        return which == ExportedGraph.DIT_FIRST;
    }

    private static TreeMap<String, String> builderOptions(ExportedGraph which) {
        TreeMap<String, String> options = new TreeMap<>();
        if (streamsWeights(which)) {
            options.put(WEIGHT_STREAMING_OPTION, "all");
        }
        return options;
    }

    /** Budget 0, before any context exists (TensorRT's rule), closing the engine if TensorRT refuses. */
    private static void streamAllWeights(TrtEngine engine, ExportedGraph which, OpenProgress progress)
            throws EngineException {
        try {
            engine.streamWeights(0);
        } catch (EngineException | RuntimeException e) {
            engine.close();
            throw e;
        }
        progress.report("the FlashVSR " + which.what() + " streams its " + engine.streamableWeightBytes()
                + " bytes of weights from host memory at each stream start", Double.NaN);
    }

    /** Every input at its one shape. */
    private static Map<String, ShapeRange> profile(FlashVsrGraphFiles.Graph graph) {
        Map<String, ShapeRange> profile = new LinkedHashMap<>();
        graph.inputs().forEach((input, shape) -> profile.put(input, ShapeRange.fixed(shape)));
        return profile;
    }
}
