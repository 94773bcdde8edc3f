package dev.flashvsr.engine.cpu;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.flashvsr.engine.Colorimetry;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.MemoryEstimate;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.pkg.ModelPackage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * A model package run by ONNX Runtime on the CPU. The graphs {@link CpuProvider} selected (one
 * precision per scale) are loaded into sessions when the model is resolved (the element's start),
 * so a graph ONNX Runtime rejects, or one whose inputs and outputs contradict the manifest, fails
 * then and not at the first frame; the package's other graphs are never read into a session.
 */
public final class OnnxModel implements Model {
    private final ModelPackage modelPackage;
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final Map<ModelManifest.Graph, OrtSession> sessions = new LinkedHashMap<>();
    /** Single-threaded sessions for graphs that can run as parallel bands (known receptive field). */
    private final Map<ModelManifest.Graph, OrtSession> bandSessions = new LinkedHashMap<>();

    /** @param graphs the package's graphs to load, at most one per scale and precision */
    OnnxModel(ModelPackage modelPackage, List<ModelManifest.Graph> graphs) throws EngineException {
        this.modelPackage = modelPackage;
        try {
            for (ModelManifest.Graph graph : graphs) {
                OrtSession session = createSession(graph, CORES);
                sessions.put(graph, session);
                checkAgainstManifest(session, graph);
                if (CORES > 1 && graph.receptiveField() > 0) {
                    bandSessions.put(graph, createSession(graph, 1));
                }
            }
        } catch (EngineException e) {
            close();
            throw e;
        }
    }

    /** ONNX Runtime's session setting for where a graph loaded from memory finds its external data. */
    private static final String EXTERNAL_DATA_FOLDER = "session.model_external_initializers_file_folder_path";

    private OrtSession createSession(ModelManifest.Graph graph, int threads) throws EngineException {
        try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions(threads)) {
            // Loaded from memory, ONNX Runtime would look external data up in the current directory.
            Optional<Path> externalData = modelPackage.externalDataFolder(graph);
            if (externalData.isPresent()) {
                options.addConfigEntry(EXTERNAL_DATA_FOLDER, externalData.get().toString());
            }
            return OrtRuntime.ENV.createSession(modelPackage.graph(graph), options);
        } catch (OrtException e) {
            throw new EngineException("ONNX Runtime rejects graph " + graph.file() + " of model package "
                    + modelPackage.location() + ": " + e.getMessage(), "The graph file is not a valid ONNX model", e);
        }
    }

    private void checkAgainstManifest(OrtSession session, ModelManifest.Graph graph) throws EngineException {
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            List<String> expectedInputs = new ArrayList<>(List.of(graph.frameInput()));
            graph.previousInput().ifPresent(expectedInputs::add);
            List<String> expectedOutputs = new ArrayList<>(List.of(graph.frameOutput()));
            graph.state().forEach(s -> {
                expectedInputs.add(s.input());
                expectedOutputs.add(s.output());
            });
            requireSame("inputs", graph, new TreeSet<>(expectedInputs), inputs.keySet());
            requireSame("outputs", graph, new TreeSet<>(expectedOutputs), outputs.keySet());
            requireChannels(graph, "frame input", inputs.get(graph.frameInput()), 3, "frames are RGB");
            if (graph.previousInput().isPresent()) {
                requireChannels(graph, "previous-frame input", inputs.get(graph.previousInput().get()), 3,
                        "frames are RGB");
            }
            requireChannels(graph, "frame output", outputs.get(graph.frameOutput()), 3, "frames are RGB");
            for (int i = 0; i < graph.state().size(); i++) {
                ModelManifest.State state = graph.state().get(i);
                String declared = "the manifest's state[" + i + "].channels";
                requireChannels(graph, "state input", inputs.get(state.input()), state.channels(), declared);
                requireChannels(graph, "state output", outputs.get(state.output()), state.channels(), declared);
            }
        } catch (OrtException e) {
            throw new EngineException("cannot inspect graph " + graph.file() + ": " + e.getMessage(), null, e);
        }
    }

    /**
     * A frame or state tensor must be [1, channels, H, W] (dimensions the graph leaves symbolic
     * are not checked), so a manifest that contradicts its graph fails at load, before any frame
     * buffer is allocated, and not inside ONNX Runtime at the first frame.
     */
    private void requireChannels(ModelManifest.Graph graph, String role, NodeInfo node, int channels, String why)
            throws EngineException {
        String tensor = role + " '" + node.getName() + "' of graph " + graph.file() + " in model package "
                + modelPackage.location();
        if (!(node.getInfo() instanceof TensorInfo info) || info.getShape().length != 4) {
            throw new EngineException(tensor + " is not a 4-D tensor", "Graphs take and give NCHW tensors");
        }
        long[] shape = info.getShape();
        if (shape[0] >= 0 && shape[0] != 1) {
            throw new EngineException(tensor + " has batch size " + shape[0] + ", not 1",
                    "Graphs run one frame at a time: rebuild the graph with N = 1");
        }
        if (shape[1] >= 0 && shape[1] != channels) {
            throw new EngineException(tensor + " has " + shape[1] + " channels, but " + channels + " are expected ("
                    + why + ")", "Rebuild the package or fix manifest.json");
        }
    }

    private void requireSame(String what, ModelManifest.Graph graph, Set<String> expected, Set<String> actual)
            throws EngineException {
        if (!expected.equals(new TreeSet<>(actual))) {
            throw new EngineException("the manifest of " + modelPackage.location() + " contradicts graph "
                    + graph.file() + ": the manifest names " + what + " " + expected + ", the graph has "
                    + new TreeSet<>(actual), "Rebuild the package or fix manifest.json");
        }
    }

    public ModelManifest manifest() {
        return modelPackage.manifest();
    }

    @Override
    public String name() {
        return modelPackage.manifest().name();
    }

    @Override
    public boolean isNeural() {
        return modelPackage.manifest().neural();
    }

    @Override
    public Set<Integer> scales() {
        Set<Integer> scales = new TreeSet<>();
        modelPackage.manifest().graphs().forEach(graph -> scales.add(graph.scale()));
        return scales;
    }

    /**
     * The precisions loaded at {@code scale}; where none is (a concrete precision the package has
     * at other scales only), those the package has, so that asking for one names them.
     */
    @Override
    public Set<Precision> precisions(int scale) {
        Set<Precision> loaded = new LinkedHashSet<>();
        sessions.keySet().stream().filter(graph -> graph.scale() == scale).forEach(graph -> loaded.add(graph.precision()));
        return loaded.isEmpty() ? modelPackage.manifest().precisions(scale) : loaded;
    }

    /** The graph a session of these options runs. */
    private ModelManifest.Graph graph(int scale, Precision requested) throws EngineException {
        if (!scales().contains(scale)) {
            throw new EngineException("model '" + name() + "' has no graph for scale " + scale,
                    "Set scale to one of " + scales());
        }
        Precision precision = resolvePrecision(requested, scale);
        return sessions.keySet().stream().filter(g -> g.scale() == scale && g.precision() == precision).findFirst()
                .orElseThrow(() -> new EngineException("model '" + name() + "' was resolved without its "
                        + precision.nick() + " graph for scale " + scale, "Resolve it with precision "
                        + precision.nick() + " (Models.resolve) or set precision=auto"));
    }

    @Override
    public int latencyFrames() {
        return modelPackage.manifest().latencyFrames();
    }

    @Override
    public StreamingSession open(StreamSpec spec, SessionOptions options) throws EngineException {
        resolveBackend(options.backend());
        ModelManifest.Graph graph = graph(spec.scale(), options.precision());
        OrtSession session = sessions.get(graph);
        int multiple = modelPackage.manifest().sizeMultiple();
        if (spec.width() % multiple != 0 || spec.height() % multiple != 0) {
            throw new EngineException("model '" + name() + "' needs frame sizes that are multiples of " + multiple
                    + ", got " + spec.width() + "x" + spec.height(), "Scale or crop the video first");
        }
        try {
            return new OnnxStreamingSession(spec, layout(spec, options, graph), session, bandSessions.get(graph), graph);
        } catch (OutOfMemoryError e) {
            // The tensors are direct buffers, limited by the JVM (-XX:MaxDirectMemorySize, by default its
            // maximum heap), which can be less than the memory budget allows.
            throw new EngineException("the JVM cannot allocate the tensor buffers of a " + spec.width() + "x"
                    + spec.height() + " session at scale " + spec.scale() + " of model '" + name() + "': "
                    + e.getMessage(), "Set a smaller max-memory or tile-size, or give the JVM more direct memory"
                    + " (-XX:MaxDirectMemorySize, for the GStreamer plugin in FLASHVSR_JVM_OPTIONS)", e);
        }
    }

    private SessionLayout layout(StreamSpec spec, SessionOptions options, ModelManifest.Graph graph) {
        return SessionLayout.of(spec, options, graph, bandSessions.containsKey(graph), CORES);
    }

    /** Frames, state and activations stay fp32 at every precision, so every tensor element takes 4 bytes. */
    @Override
    public Optional<MemoryEstimate> estimateMemory(StreamSpec spec, SessionOptions options) {
        try {
            ModelManifest.Graph graph = graph(spec.scale(), options.precision());
            return Optional.of(SessionMemory.estimate(layout(spec, options, graph), graph, Float.BYTES));
        } catch (EngineException e) {
            return Optional.empty();
        }
    }

    /** The graph's receptive field, when the manifest gives it. */
    @Override
    public OptionalInt tileOverlap(int scale) {
        return modelPackage.manifest().graphFor(scale).filter(graph -> graph.receptiveField() > 0)
                .map(graph -> OptionalInt.of(graph.receptiveField())).orElse(OptionalInt.empty());
    }

    /**
     * Runs the bare graph (no colour conversion, no element) on a blank frame: the baseline that
     * benchmarks compare the element with. Returns seconds for {@code frames} runs after a warm-up.
     */
    public double timeGraph(int scale, Precision precision, int width, int height, int frames)
            throws EngineException {
        ModelManifest.Graph graph = graph(scale, precision);
        TileRunner runner = new TileRunner(sessions.get(graph), graph, height, width);
        return timed(runner::run, frames);
    }

    /**
     * Like {@link #timeGraph} but as the element runs an untiled frame when it can: the graph alone
     * (no colour conversion) in parallel bands, one single-threaded run per core. Returns the
     * number of bands and the seconds, or empty when the graph cannot run as bands.
     */
    public Optional<double[]> timeGraphInBands(int scale, Precision precision, int width, int height, int frames)
            throws EngineException {
        ModelManifest.Graph graph = graph(scale, precision);
        OrtSession single = bandSessions.get(graph);
        if (single == null) {
            return Optional.empty();
        }
        BandPlan plan = BandPlan.of(height, graph.receptiveField(), CORES, SessionLayout.MIN_BAND_ROWS);
        if (plan.count() < 2) {
            return Optional.empty();
        }
        try (BandedUpscaler banded = new BandedUpscaler(single, graph, plan, width,
                Colorimetry.defaultFor(PixelFormat.RGB, height))) {
            return Optional.of(new double[] {plan.count(), timed(banded::runGraphsOnce, frames)});
        }
    }

    /** One run of a graph (or of its bands). */
    @FunctionalInterface
    private interface GraphRun {
        void run() throws OrtException;
    }

    /** Seconds for {@code frames} runs after 3 warm-up runs. */
    private static double timed(GraphRun run, int frames) throws EngineException {
        try {
            for (int i = 0; i < 3; i++) {
                run.run();
            }
            long start = System.nanoTime();
            for (int i = 0; i < frames; i++) {
                run.run();
            }
            return (System.nanoTime() - start) / 1e9;
        } catch (OrtException e) {
            throw new EngineException("ONNX Runtime failed: " + e.getMessage(), null, e);
        } catch (BandedUpscaler.BandFailure e) {
            throw new EngineException("ONNX Runtime failed: " + e.getCause().getMessage(), null, e.getCause());
        }
    }

    /** Releases the ONNX Runtime sessions. */
    @Override
    public void close() {
        for (Map<ModelManifest.Graph, OrtSession> map : List.of(sessions, bandSessions)) {
            for (OrtSession session : map.values()) {
                try {
                    session.close();
                } catch (OrtException e) {
                    // Closing twice or during shutdown: nothing left to release.
                }
            }
            map.clear();
        }
    }
}
