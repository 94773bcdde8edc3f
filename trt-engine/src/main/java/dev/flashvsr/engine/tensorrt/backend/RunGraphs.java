package dev.flashvsr.engine.tensorrt.backend;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.cuda.CudaException;
import dev.flashvsr.engine.cuda.CudaGraph;
import dev.flashvsr.engine.cuda.CudaStream;
import dev.flashvsr.engine.flashvsr.ExportedGraph;
import dev.flashvsr.engine.tensorrt.runtime.TrtContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CUDA graphs of FlashVSR's engine runs on one stream, by binding: a run whose graph and addresses
 * were seen before is captured once ({@code cuStreamBeginCapture} around TensorRT's enqueue) and
 * replayed from then on with one launch. So chunk 0's runs, which no later chunk repeats, run
 * plainly, and so does the first run of every context (TensorRT wants one plain enqueue before a
 * capture); a later chunk's projector steps, DiT and decoder repeat with the state's two parities,
 * so they are captured from the third later chunk on. When a capture fails the stream runs
 * without graphs from then on, and says so once.
 */
final class RunGraphs implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RunGraphs.class.getName());
    /** Per graph: projector steps 0 and 1, the DiT and the decoder each with two state parities, with room to spare. */
    private static final int MAX_GRAPHS = 16;

    private final CudaStream stream;
    private boolean enabled;
    private final Set<List<Object>> seen = new HashSet<>();
    private final Map<List<Object>, CudaGraph> graphs = new HashMap<>();

    /** @param enabled the session's {@code cuda-graphs} option */
    RunGraphs(CudaStream stream, boolean enabled) {
        this.stream = stream;
        this.enabled = enabled;
    }

    /** Queues a run of {@code context}, whose tensors are bound to {@code bindings}: plainly or through its graph. */
    void enqueue(ExportedGraph which, TrtContext context, List<Long> bindings) throws EngineException {
        CudaGraph graph = enabled ? graph(which, context, bindings) : null;
        if (graph != null) {
            graph.launch(stream);
        } else {
            context.enqueue(stream.handle());
        }
    }

    /** The graph of this run, captured now if it was seen once before; null where the run goes plainly. */
    private CudaGraph graph(ExportedGraph which, TrtContext context, List<Long> bindings) {
        List<Object> key = new ArrayList<>(bindings);
        key.add(0, which);
        CudaGraph graph = graphs.get(key);
        if (graph != null || seen.add(key) || graphs.size() >= MAX_GRAPHS) {
            return graph;
        }
        try {
            graph = stream.capture(() -> context.enqueue(stream.handle()));
        } catch (EngineException | RuntimeException e) {
            enabled = false;
            LOG.log(System.Logger.Level.WARNING, "CUDA graph capture of the FlashVSR " + which.what() + " failed ("
                    + e.getMessage() + "); this stream runs its chunks without graphs");
            return null;
        }
        graphs.put(key, graph);
        return graph;
    }

    @Override
    public void close() {
        for (CudaGraph graph : graphs.values()) {
            try {
                graph.close();
            } catch (CudaException e) {
                // the device releases what is left when it closes
            }
        }
        graphs.clear();
        seen.clear();
    }
}
