package dev.flashvsr.engine.tensorrt.backend;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameSizeRange;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.tensorrt.cache.EngineCache;
import dev.flashvsr.engine.tensorrt.runtime.TrtEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A recurrent model package on TensorRT on one GPU: one graph per scale (the precision chosen at
 * load), an engine per graph and frame size, or per graph and range of sizes when the session
 * options give {@code engineSizes} (built or read from the cache when a session of a size no loaded
 * engine accepts opens, then kept until the model closes, so a renegotiation inside a range needs
 * no new engine), and sessions that keep everything on the GPU.
 */
final class TrtRecurrentModel implements Model {
    private static final System.Logger LOG = System.getLogger(TrtRecurrentModel.class.getName());

    private final String name;
    private final boolean neural;
    private final CudaDevice device;
    private final RecurrentEngines engines;
    private final Supplier<EngineCache> defaultCache;
    private final Map<Integer, ModelManifest.Graph> graphs = new LinkedHashMap<>();
    /** Every engine loaded so far, kept until the model closes: a renegotiation back to a size reuses it. */
    private final List<LoadedEngine> loaded = new ArrayList<>();

    /** An engine of graph {@code file} that accepts input frames of every size in {@code sizes}. */
    private record LoadedEngine(String file, FrameSizeRange sizes, TrtEngine engine) {
    }

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
        return new TrtRecurrentSession(device, spec, engine(graph, spec, options, progress), graph,
                options.cudaGraphs());
    }

    /** A loaded engine of {@code graph} that accepts the stream's size, else one from the cache or built now. */
    private TrtEngine engine(ModelManifest.Graph graph, StreamSpec spec, SessionOptions options, OpenProgress progress)
            throws EngineException {
        int width = spec.width();
        int height = spec.height();
        for (LoadedEngine engine : loaded) {
            if (engine.file().equals(graph.file()) && engine.sizes().contains(width, height)) {
                LOG.log(System.Logger.Level.DEBUG, "{0}x{1}: reusing the TensorRT engine of {2} for input sizes {3}",
                        width, height, graph.file(), engine.sizes());
                return engine.engine();
            }
        }
        Optional<FrameSizeRange> sizes = options.engineSizes();
        if (sizes.isPresent() && !sizes.get().contains(width, height)) {
            String outside = width + "x" + height + " lies outside engine-sizes " + sizes.get()
                    + ": building a TensorRT engine for exactly " + width + "x" + height;
            LOG.log(System.Logger.Level.WARNING, outside);
            progress.report(outside, Double.NaN);
            sizes = Optional.empty();
        }
        EngineCache cache = options.engineCache().map(EngineCache::new).orElseGet(defaultCache);
        TrtEngine engine = engines.engine(graph, width, height, sizes, cache, progress);
        loaded.add(new LoadedEngine(graph.file(), sizes.orElse(new FrameSizeRange(width, height, width, height)),
                engine));
        return engine;
    }

    /** Closes the engines, then the GPU (its sessions must be closed first). */
    @Override
    public synchronized void close() {
        loaded.forEach(engine -> engine.engine().close());
        loaded.clear();
        device.release();
    }
}
