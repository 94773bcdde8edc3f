package dev.flashvsr.engine.tensorrt.backend;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaException;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.tensorrt.cache.EngineCache;
import dev.flashvsr.engine.tensorrt.runtime.TrtEngine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A recurrent model package on TensorRT on one GPU: one graph per scale (the precision chosen at
 * load), an engine per graph and frame size (built or read from the cache when a session of that
 * size first opens, then kept until the model closes), and sessions that keep everything on the GPU.
 */
final class TrtRecurrentModel implements Model {
    private final String name;
    private final boolean neural;
    private final CudaDevice device;
    private final RecurrentEngines engines;
    private final Supplier<EngineCache> defaultCache;
    private final Map<Integer, ModelManifest.Graph> graphs = new LinkedHashMap<>();
    private final Map<String, TrtEngine> opened = new HashMap<>();
    private final List<TrtEngine> toClose = new ArrayList<>();

    /** @param defaultCache the engine cache of sessions whose options name none */
    TrtRecurrentModel(ModelManifest manifest, List<ModelManifest.Graph> graphs, CudaDevice device,
            RecurrentEngines engines, Supplier<EngineCache> defaultCache) {
        this.name = manifest.name();
        this.neural = manifest.neural();
        this.device = device;
        this.engines = engines;
        this.defaultCache = defaultCache;
        graphs.forEach(graph -> this.graphs.put(graph.scale(), graph));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isNeural() {
        return neural;
    }

    @Override
    public Set<Integer> scales() {
        return graphs.keySet();
    }

    @Override
    public Set<Precision> precisions(int scale) {
        ModelManifest.Graph graph = graphs.get(scale);
        return graph == null ? Set.of(Precision.FP32) : Set.of(graph.precision());
    }

    @Override
    public Backend backend() {
        return Backend.TENSORRT;
    }

    /** One frame: the pipelined session hands out a frame's output at the next push. */
    @Override
    public int latencyFrames() {
        return 1;
    }

    @Override
    public StreamingSession open(StreamSpec spec, SessionOptions options) throws EngineException {
        return open(spec, options, OpenProgress.NONE);
    }

    @Override
    public synchronized StreamingSession open(StreamSpec spec, SessionOptions options, OpenProgress progress)
            throws EngineException {
        resolveBackend(options.backend());
        ModelManifest.Graph graph = graphs.get(spec.scale());
        if (graph == null) {
            throw new EngineException("model '" + name + "' has no x" + spec.scale() + " graph",
                    "Set scale to one of " + scales());
        }
        String size = graph.file() + "@" + spec.width() + "x" + spec.height();
        TrtEngine engine = opened.get(size);
        if (engine == null) {
            EngineCache cache = options.engineCache().map(EngineCache::new).orElseGet(defaultCache);
            engine = engines.engine(graph, spec.width(), spec.height(), cache, progress);
            opened.put(size, engine);
            toClose.add(engine);
        }
        return new TrtRecurrentSession(device, spec, engine, graph);
    }

    /** Closes the engines, then the GPU (its sessions must be closed first). */
    @Override
    public synchronized void close() {
        toClose.forEach(TrtEngine::close);
        toClose.clear();
        opened.clear();
        try {
            device.close();
        } catch (CudaException e) {
            throw new IllegalStateException("CUDA device " + device.id() + " failed to release its resources: "
                    + e.getMessage(), e);
        }
    }
}
