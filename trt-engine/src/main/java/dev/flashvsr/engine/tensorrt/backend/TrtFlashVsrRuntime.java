package dev.flashvsr.engine.tensorrt.backend;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.flashvsr.ChunkGraphs;
import dev.flashvsr.engine.flashvsr.ExportedGraph;
import dev.flashvsr.engine.flashvsr.FlashVsrLayout;
import dev.flashvsr.engine.flashvsr.FlashVsrPackage;
import dev.flashvsr.engine.flashvsr.FlashVsrRuntime;
import dev.flashvsr.engine.tensorrt.cache.EngineCache;
import dev.flashvsr.engine.tensorrt.cache.EngineKey;
import dev.flashvsr.engine.tensorrt.runtime.TrtEngine;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * FlashVSR on TensorRT on one GPU: per stream size and precision the five graphs are exported
 * once ({@link FlashVsrGraphFiles}), their engines built or read from the engine cache
 * ({@link FlashVsrEngines}) and kept until the model closes, and each stream runs them in its own
 * contexts with its state on the GPU ({@link TrtChunkGraphs}).
 */
final class TrtFlashVsrRuntime implements FlashVsrRuntime {
    private final CudaDevice device;
    private final FlashVsrEngines engines;
    private final Supplier<EngineCache> defaultCache;
    private final Map<String, TrtEngine> opened = new HashMap<>();
    /** The layouts of the streams opened so far, by package, size and precision. */
    private final Map<String, FlashVsrLayout> layouts = new HashMap<>();

    /** @param defaultCache the engine cache of sessions whose options name none */
    TrtFlashVsrRuntime(CudaDevice device, FlashVsrEngines engines, Supplier<EngineCache> defaultCache) {
        this.device = device;
        this.engines = engines;
        this.defaultCache = defaultCache;
    }

    @Override
    public Backend backend() {
        return Backend.TENSORRT;
    }

    /** fp16 first (TensorRT's fast path), int8 where the package is calibrated, fp32 last. */
    @Override
    public Set<Precision> precisions(boolean calibrated) {
        return FlashVsrRuntime.inOrder(calibrated, Precision.FP16, Precision.INT8, Precision.FP32);
    }

    @Override
    public synchronized ChunkGraphs open(FlashVsrPackage pkg, int width, int height, Precision precision,
            String stream, SessionOptions options, OpenProgress progress) throws EngineException {
        EngineCache cache = options.engineCache().map(EngineCache::new).orElseGet(defaultCache);
        Map<ExportedGraph, TrtEngine> chosen = new EnumMap<>(ExportedGraph.class);
        String name = pkg.name() + "-" + width + "x" + height + "-" + precision.nick();
        try (FlashVsrGraphFiles files = FlashVsrGraphFiles.open(pkg, width, height, precision, cache.folder(),
                progress)) {
            for (ExportedGraph which : ExportedGraph.values()) {
                FlashVsrGraphFiles.Graph graph = files.graph(which);
                EngineKey key = engines.key(name, graph, precision);
                TrtEngine engine = opened.get(key.fileName());
                if (engine == null) {
                    engine = engines.engine(key, files, graph, cache, progress);
                    opened.put(key.fileName(), engine);
                }
                chosen.put(which, engine);
            }
        }
        progress.report(stream + " is ready on TensorRT", 1);
        // the layout's projector and decoder graphs carry their weights: built once per size, not per stream
        FlashVsrLayout layout = layouts.computeIfAbsent(name, key -> FlashVsrLayout.of(pkg, width, height, precision));
        return new TrtChunkGraphs(device, layout, chosen, options.cudaGraphs());
    }

    /** Closes the engines, then the GPU (the streams must be closed first). */
    @Override
    public synchronized void close() {
        opened.values().forEach(TrtEngine::close);
        opened.clear();
        layouts.clear();
        device.release();
    }
}
