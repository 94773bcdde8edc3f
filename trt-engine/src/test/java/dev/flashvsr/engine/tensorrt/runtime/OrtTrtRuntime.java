package dev.flashvsr.engine.tensorrt.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.cpu.OrtRuntime;
import dev.flashvsr.engine.tensorrt.runtime.TrtException.Kind;
import dev.flashvsr.engine.tensorrt.runtime.TrtLog.Severity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link TrtRuntime} for tests without a GPU: the same ONNX graphs executed by ONNX Runtime, with
 * TensorRT's checks and failure kinds (parse, build settings, version, shape range), on "device"
 * addresses that are host memory (HostCudaDriver).
 */
public final class OrtTrtRuntime implements TrtRuntime {
    /** The TensorRT version the test runtime pretends to be. */
    public static final String DEFAULT_VERSION = "10.15.1";

    private static final String EXTERNAL_DATA_FOLDER = "session.model_external_initializers_file_folder_path";

    private final String version;
    private final boolean outOfMemoryOnBuild;
    private final AtomicInteger builds = new AtomicInteger();
    private final AtomicInteger loads = new AtomicInteger();
    private final List<ScratchUse> scratchUses = new CopyOnWriteArrayList<>();
    private final List<LoadedEngine> loaded = new CopyOnWriteArrayList<>();
    private final List<WeightBudget> budgets = new CopyOnWriteArrayList<>();

    /** A context created on caller-owned scratch memory: where, how many bytes, and what its engine needs. */
    public record ScratchUse(long address, long bytes, long needed) {
    }

    /** An engine deserialized: the graph file it was built from, and whether with weight streaming. */
    public record LoadedEngine(String graph, boolean weightStreaming) {
    }

    /** A weight streaming budget an engine took (always before any of its contexts: TensorRT's rule). */
    public record WeightBudget(String graph, long budgetBytes, long streamableBytes) {
    }

    public OrtTrtRuntime() {
        this(DEFAULT_VERSION, false);
    }

    /**
     * @param version the TensorRT version to report and stamp into plans
     * @param outOfMemoryOnBuild whether every build fails as if the GPU ran out of memory
     */
    public OrtTrtRuntime(String version, boolean outOfMemoryOnBuild) {
        this.version = version;
        this.outOfMemoryOnBuild = outOfMemoryOnBuild;
    }

    /** Engines built so far (so cache tests can tell a hit from a rebuild). */
    public int builds() {
        return builds.get();
    }

    /** The contexts created on caller-owned scratch memory so far, in order. */
    public List<ScratchUse> scratchUses() {
        return List.copyOf(scratchUses);
    }

    /** Engines deserialized so far. */
    public int loads() {
        return loads.get();
    }

    /** The engines deserialized so far, in order. */
    public List<LoadedEngine> loaded() {
        return List.copyOf(loaded);
    }

    /** The weight streaming budgets set so far, in order. */
    public List<WeightBudget> weightBudgets() {
        return List.copyOf(budgets);
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public void buildEngine(Path onnxGraph, BuildSettings settings, WritableByteChannel plan, TrtLog log)
            throws TrtException, IOException {
        byte[] graph;
        try {
            graph = Files.readAllBytes(onnxGraph);
        } catch (IOException e) {
            throw failure(Kind.PARSE, "cannot read the graph " + onnxGraph + ": " + e.getMessage(),
                    "check the model package", log);
        }
        String folder = onnxGraph.toAbsolutePath().getParent().toString();
        try (OrtSession session = session(graph, folder)) {
            checkSettings(session.getInputInfo(), settings, log);
        } catch (OrtException e) {
            throw failure(Kind.PARSE, "TensorRT cannot parse the graph " + onnxGraph.getFileName() + ": ONNX parser: "
                    + e.getMessage(), JavaCppTrtRuntime.GRAPH_REMEDY, log);
        }
        if (outOfMemoryOnBuild) {
            throw failure(Kind.OUT_OF_MEMORY, "TensorRT could not build an engine from " + onnxGraph.getFileName()
                    + ": Requested amount of GPU memory (" + settings.workspaceBytes()
                    + " bytes) could not be allocated: out of memory", JavaCppTrtRuntime.MEMORY_REMEDY, log);
        }
        log.log(Severity.INFO, "built an ORT test engine from " + onnxGraph.getFileName() + " with "
                + settings.shapes());
        settings.timingCache().ifPresent(file -> writeTimingCache(file, log));
        // like TensorRT's plan in native memory, written out window by window
        ByteBuffer serialized = ByteBuffer.wrap(new OrtPlan(version, settings, folder,
                onnxGraph.getFileName().toString(), graph).serialize());
        EnginePlan.write(serialized.remaining(), (position, bytes) -> serialized.slice((int) position, bytes), plan);
        builds.incrementAndGet();
    }

    /** TensorRT's build-time checks of the profile: every dynamic input has a range that fits the graph. */
    private static void checkSettings(Map<String, NodeInfo> inputs, BuildSettings settings, TrtLog log)
            throws TrtException {
        for (Map.Entry<String, ShapeRange> entry : settings.shapes().entrySet()) {
            NodeInfo input = inputs.get(entry.getKey());
            if (input == null) {
                throw failure(Kind.BUILD, "the optimization profile names " + entry.getKey()
                        + ", which is not an input of the network (its inputs: " + inputs.keySet() + ")",
                        JavaCppTrtRuntime.BUILD_REMEDY, log);
            }
            long[] dims = OrtTensors.shape(input);
            ShapeRange range = entry.getValue();
            if (range.rank() != dims.length) {
                throw failure(Kind.BUILD, "the shape range of input " + entry.getKey() + " has rank " + range.rank()
                        + " but the input has rank " + dims.length + " " + Arrays.toString(dims),
                        JavaCppTrtRuntime.BUILD_REMEDY, log);
            }
            for (int d = 0; d < dims.length; d++) {
                if (dims[d] >= 0 && (range.min()[d] != dims[d] || range.max()[d] != dims[d])) {
                    throw failure(Kind.BUILD, "the shape range of input " + entry.getKey() + " (" + range
                            + ") changes static dimension " + d + " of " + Arrays.toString(dims),
                            JavaCppTrtRuntime.BUILD_REMEDY, log);
                }
            }
        }
        for (Map.Entry<String, NodeInfo> input : inputs.entrySet()) {
            if (Arrays.stream(OrtTensors.shape(input.getValue())).anyMatch(d -> d < 0)
                    && !settings.shapes().containsKey(input.getKey())) {
                throw failure(Kind.BUILD, "input " + input.getKey() + " has dynamic dimensions but the optimization"
                        + " profile gives it no shape range", JavaCppTrtRuntime.BUILD_REMEDY, log);
            }
        }
    }

    private void writeTimingCache(Path file, TrtLog log) {
        try {
            Files.write(file, ("ort-test-timing-cache " + version).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            log.log(Severity.WARNING, "cannot write the timing cache " + file + ": " + e.getMessage());
        }
    }

    @Override
    public TrtEngine deserialize(EnginePlan plan, TrtLog log) throws TrtException, IOException {
        if (plan.length() > Integer.MAX_VALUE - 8) {
            throw failure(Kind.INCOMPATIBLE, "the ONNX Runtime test runtime loads plans of up to 2 GiB, not "
                    + plan.length() + " bytes", "use a smaller graph in tests", log);
        }
        // ONNX Runtime takes the graph as one array: the test plans are small
        ByteBuffer bytes = ByteBuffer.allocate((int) plan.length());
        plan.readInto((position, count) -> bytes.slice((int) position, count));
        OrtPlan parsed = OrtPlan.parse(bytes.array(), version, log);
        try {
            OrtTrtEngine engine = new OrtTrtEngine(session(parsed.graph(), parsed.graphFolder()), parsed,
                    scratchUses::add, budgets::add);
            loads.incrementAndGet();
            loaded.add(new LoadedEngine(parsed.graphName(), parsed.settings().weightStreaming()));
            return engine;
        } catch (OrtException e) {
            throw failure(Kind.INCOMPATIBLE, "cannot load the engine: " + e.getMessage(),
                    JavaCppTrtRuntime.REBUILD_REMEDY, log);
        }
    }

    /** A session of {@code graph}, its external weights (if any) looked up in {@code folder}. */
    private static OrtSession session(byte[] graph, String folder) throws OrtException {
        try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions(1)) {
            // loaded from memory, ONNX Runtime would look external data up in the current directory
            options.addConfigEntry(EXTERNAL_DATA_FOLDER, folder);
            return OrtRuntime.ENV.createSession(graph, options);
        }
    }

    /** Logs {@code message} as TensorRT's logger would, and returns the exception carrying it. */
    static TrtException failure(Kind kind, String message, String remedy, TrtLog log) {
        log.log(Severity.ERROR, message);
        return new TrtException(kind, message, remedy);
    }
}
