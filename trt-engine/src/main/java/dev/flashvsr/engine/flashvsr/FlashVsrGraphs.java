package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.cache.BuildCache;
import dev.flashvsr.engine.cpu.MappedWeights;
import dev.flashvsr.engine.files.ModelFiles;
import dev.flashvsr.engine.flashvsr.graph.BlockMaskBuilder;
import dev.flashvsr.engine.flashvsr.graph.DitConstants;
import dev.flashvsr.engine.flashvsr.graph.DitDims;
import dev.flashvsr.engine.flashvsr.graph.DitGraph;
import dev.flashvsr.engine.flashvsr.graph.DitGraphSpec;
import dev.flashvsr.engine.flashvsr.graph.LcsaMask;
import dev.flashvsr.engine.flashvsr.graph.LcsaParams;
import dev.flashvsr.engine.flashvsr.graph.LqProjectorGraph;
import dev.flashvsr.engine.flashvsr.graph.TcDecoderGraph;
import dev.flashvsr.engine.flashvsr.load.FlashVsrConfig;
import dev.flashvsr.engine.onnx.ExternalWeights;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import dev.flashvsr.engine.onnx.WeightRef;
import dev.flashvsr.engine.pkg.ModelPackage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.TreeMap;

/**
 * The five graphs one FlashVSR stream runs, for one model frame size (multiples of 128), loaded
 * into ONNX Runtime (the CPU's {@link ChunkGraphs}, the stream's state in native host memory):
 * the LQ projector step, the DiT for chunk 0 and for later chunks, and the decoder for chunk 0
 * and for later chunks. The timestep, modulation and prompt K/V are folded
 * into the DiT as constants.
 *
 * <p>No weight passes through the models or stays in the Java heap: float32 weights are read by
 * the runtime where they lie in the package's files, the others (the BF16 projector, the folded
 * constants) are converted once into the graph cache entry ({@link ExternalWeights}), and all are
 * memory-mapped once and shared by the graphs that use them ({@link MappedWeights}): the DiT of
 * the first and of later chunks share one copy. The DiT graphs, whose constants take minutes to
 * compute at real size, are cached per package, frame size, precision (with the int8 scales) and
 * builder version
 * ({@link BuildCache}); the small projector and decoder graphs are built again on each open
 * against the cached weights, which takes milliseconds.
 */
final class FlashVsrGraphs implements ChunkGraphs {
    /** Names what the graph builders make; change it whenever cached graphs would differ. */
    static final String BUILDER_VERSION = "flashvsr-onnx-cpu/2";
    /** Weights at least this large stay out of the models. */
    static final long EXTERNAL_MIN_BYTES = 4096;
    static final String PACKAGE_ROOT = "package";
    private static final String DIT_FIRST_FILE = ExportedGraph.DIT_FIRST.file();
    private static final String DIT_LATER_FILE = ExportedGraph.DIT_LATER.file();

    private final FlashVsrLayout layout;
    private final BuildCache.Entry entry;
    private final MappedWeights weights;
    private final GraphStep[] steps;
    private final StreamState state = new StreamState();
    /** The projector's tokens for the next DiT call, by slot. */
    private final TreeMap<Integer, float[]> tokens = new TreeMap<>();

    private FlashVsrGraphs(FlashVsrLayout layout, BuildCache.Entry entry, MappedWeights weights, GraphStep[] steps) {
        this.layout = layout;
        this.entry = entry;
        this.weights = weights;
        this.steps = steps;
    }

    /**
     * Opens the graphs for model frames of {@code width x height} (multiples of 128): from the
     * cache when they were built before, else built now and cached.
     *
     * @param attention LCSA settings, or null for dense attention
     */
    static FlashVsrGraphs open(FlashVsrPackage pkg, int width, int height, Attention attention,
            GraphPrecision precision, int threads, BuildCache cache, OpenProgress progress) throws EngineException {
        String size = width + "x" + height + " (" + precision.name() + ")";
        String key = cacheKey(pkg, width, height, attention, precision);
        if (!cache.has(key)) {
            progress.report("building the FlashVSR graphs for " + size + " (once: they are cached in " + cache.root()
                    + ")", 0);
        }
        BuildCache.Entry entry = cache.entry(key, "FlashVSR graphs for " + size,
                folder -> write(pkg, width, height, attention, precision, folder, progress));
        MappedWeights weights = new MappedWeights(Map.of(PACKAGE_ROOT, pkg.folder(), ExternalWeights.ENTRY_ROOT,
                entry.folder()));
        GraphStep[] steps = new GraphStep[5];
        try {
            progress.report("loading the FlashVSR graphs for " + size, 0.7);
            FlashVsrLayout interfaces;
            Map<String, WeightRef> index = new HashMap<>();
            try (ExternalWeights replay = ExternalWeights.replay(entry.folder(), roots(pkg), EXTERNAL_MIN_BYTES)) {
                interfaces = FlashVsrLayout.of(pkg, width, height, precision.compute(), replay);
                replay.refs().forEach(ref -> index.put(ref.name(), ref));
            }
            byte[][] models = {interfaces.lqProjector().model(), readModel(entry.folder().resolve(DIT_FIRST_FILE)),
                readModel(entry.folder().resolve(DIT_LATER_FILE)), interfaces.decoderFirst().model(),
                interfaces.decoderLater().model()};
            for (int i = 0; i < steps.length; i++) {
                String name = ExportedGraph.values()[i].what();
                progress.report("loading the FlashVSR " + name + " for " + size, 0.7 + 0.06 * i);
                steps[i] = new GraphStep(name, models[i], index, weights, threads);
                models[i] = null;
            }
            progress.report("FlashVSR is ready for " + size, 1);
            return new FlashVsrGraphs(interfaces, entry, weights, steps);
        } catch (IOException | ExternalWeights.StaleIndexException e) {
            closeAll(steps, weights, entry);
            throw new EngineException("the cached FlashVSR graphs in " + entry.folder() + " cannot be used: "
                    + e.getMessage(), "Delete that folder; it is built again on the next start", e);
        } catch (EngineException | RuntimeException e) {
            closeAll(steps, weights, entry);
            throw e;
        }
    }

    /**
     * The cache key: what the graphs are built from (the package's content and attention, the
     * frame size, the precision with the int8 scales) and how (the builder version).
     */
    static String cacheKey(FlashVsrPackage pkg, int width, int height, Attention attention, GraphPrecision precision) {
        String identity = String.join("\n", BUILDER_VERSION, pkg.contentKey(), width + "x" + height,
                precision.identity(), String.valueOf(attention));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return width + "x" + height + "-" + precision.name() + "-" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** Builds the entry's files: the DiT graphs and every weight that is not used where it lies. */
    private static void write(FlashVsrPackage pkg, int width, int height, Attention attention,
            GraphPrecision precision, Path folder, OpenProgress progress) throws IOException {
        String size = width + "x" + height;
        try (ExternalWeights weights = ExternalWeights.writer(folder, roots(pkg), EXTERNAL_MIN_BYTES)) {
            progress.report("converting the projector and decoder weights", 0.02);
            FlashVsrLayout.of(pkg, width, height, precision.compute(), weights);
            progress.report("computing the DiT's constants (prompt keys and values of "
                    + pkg.config().dit().numLayers() + " layers)", 0.05);
            DitParts dit = DitParts.of(pkg, width, height, attention, precision);
            DitGraphSpec[] specs = {dit.first(), dit.later()};
            String[] files = {DIT_FIRST_FILE, DIT_LATER_FILE};
            for (int i = 0; i < 2; i++) {
                progress.report("building the DiT graph " + files[i] + " for " + size, 0.4 + 0.1 * i);
                OnnxGraphBuilder b = new OnnxGraphBuilder("flashvsr_dit").externalWeights(weights);
                DitGraph.build(b, pkg.dit(), dit.constants(), dit.dims(), specs[i]);
                Files.write(folder.resolve(files[i]), b.toByteArray());
            }
            progress.report("writing the graph cache entry", 0.6);
        }
    }

    private static Map<String, Path> roots(FlashVsrPackage pkg) {
        return Map.of(PACKAGE_ROOT, pkg.folder());
    }

    private static byte[] readModel(Path file) throws IOException {
        return ModelFiles.readBounded(file, ModelPackage.MAX_GRAPH_BYTES, "a graph");
    }

    private static void closeAll(GraphStep[] steps, MappedWeights weights, BuildCache.Entry entry) {
        for (GraphStep s : steps) {
            if (s != null) {
                s.close();
            }
        }
        weights.close();
        entry.close();
    }

    /** File names of the graphs {@link #export} writes. */
    static final List<String> EXPORTED = Arrays.stream(ExportedGraph.values()).map(ExportedGraph::file).toList();

    /**
     * Writes the five graphs for model frames of {@code width x height} into {@code folder} as
     * ONNX files (for other runtimes, such as TensorRT's ONNX parser); the DiT's weights go to
     * external data files beside them ({@code <graph>.data}), so graphs past 2 GB work.
     */
    static void export(FlashVsrPackage pkg, int width, int height, Attention attention, GraphPrecision precision,
            Path folder) throws EngineException, IOException {
        FlashVsrLayout interfaces = FlashVsrLayout.of(pkg, width, height, precision.compute(), null);
        DitParts dit = DitParts.of(pkg, width, height, attention, precision);
        Files.createDirectories(folder);
        Files.write(folder.resolve(EXPORTED.get(0)), interfaces.lqProjector().model());
        DitGraphSpec[] specs = {dit.first(), dit.later()};
        for (int i = 0; i < 2; i++) {
            Path file = folder.resolve(EXPORTED.get(1 + i));
            OnnxGraphBuilder b = new OnnxGraphBuilder("flashvsr_dit")
                    .externalData(folder.resolve(file.getFileName() + ".data"), EXPORT_EXTERNAL_MIN_BYTES);
            DitGraph.build(b, pkg.dit(), dit.constants(), dit.dims(), specs[i]);
            b.save(file);
        }
        Files.write(folder.resolve(EXPORTED.get(3)), interfaces.decoderFirst().model());
        Files.write(folder.resolve(EXPORTED.get(4)), interfaces.decoderLater().model());
    }

    /** Initializers at least this large go to external data in exported graphs. */
    private static final long EXPORT_EXTERNAL_MIN_BYTES = 1024;

    /** What the DiT graphs of one frame size are built from. */
    private record DitParts(DitDims dims, DitConstants constants, DitGraphSpec first, DitGraphSpec later) {

        static DitParts of(FlashVsrPackage pkg, int width, int height, Attention attention,
                GraphPrecision precision) {
            FlashVsrConfig config = pkg.config();
            FlashVsrConfig.Dit d = config.dit();
            DitDims dims = DitDims.fromWeights(pkg.dit(), d.numHeads(), d.eps(), d.ropeTheta(),
                    d.ropeTablePositions(), d.attentionBlockWindow().t(), d.attentionBlockWindow().h(),
                    d.attentionBlockWindow().w());
            DitConstants constants = DitConstants.computeOnRuntime(pkg.dit(), pkg.textContext(), dims,
                    FlashVsrPackage.TIMESTEP);
            BlockMaskBuilder masks = attention == null ? BlockMaskBuilder.dense()
                    : (b, layer, q, k, layout) -> LcsaMask.build(b, q, k, new LcsaParams(layout.blockRows(),
                            layout.blockCols(), layout.queryGroups(), layout.keyGroups(), attention.localRange(),
                            attention.topkRatio(width, height)));
            int kvLen = config.streaming().kvRatio();
            int latentH = height / 8;
            int latentW = width / 8;
            return new DitParts(dims, constants,
                    DitGraphSpec.firstChunk(ChunkSchedule.FIRST_CHUNK_LATENTS, latentH, latentW, kvLen,
                            precision.compute(), masks).withLinears(precision.linears()),
                    DitGraphSpec.laterChunk(ChunkSchedule.CHUNK_LATENTS, latentH, latentW, kvLen, kvLen,
                            precision.compute(), masks).withLinears(precision.linears()));
        }
    }

    /**
     * LCSA settings: the local window, and the top-k ratio given directly or from upstream's rule
     * {@code sparseRatio * 768 * 1280 / (H * W)}.
     */
    record Attention(int localRange, double sparseRatio, Double fixedTopkRatio) {
        double topkRatio(int width, int height) {
            return fixedTopkRatio != null ? fixedTopkRatio : sparseRatio * 768 * 1280 / ((double) width * height);
        }
    }

    @Override
    public FlashVsrLayout layout() {
        return layout;
    }

    @Override
    public StateStore state() {
        return state;
    }

    @Override
    public void project(FrameTensor video, int tokenSlot) throws EngineException {
        float[] projected = lq().run(Map.of(LqProjectorGraph.VIDEO, GraphStep.Input.of(video.hostValues(),
                layout.lqProjector().videoShape())), state).get(LqProjectorGraph.TOKENS);
        if (tokenSlot >= 0) {
            tokens.put(tokenSlot, projected);
        }
    }

    @Override
    public DecoderLatents denoise(boolean firstChunk, float[] x, long[] positions,
            Consumer<Map<String, float[]>> ditOutputs) throws EngineException {
        Map<String, float[]> outputs = dit(firstChunk, x, positions);
        if (ditOutputs != null) {
            ditOutputs.accept(outputs);
        }
        return DecoderLatents.Host.oneStep(x, outputs.get("noise_pred"), layout.latentChannels(), positions.length,
                layout.latentHeight() * layout.latentWidth());
    }

    /** The DiT's outputs other than state: {@code noise_pred} and any probes. */
    private Map<String, float[]> dit(boolean firstChunk, float[] x, long[] positions) throws EngineException {
        float[] lqTokens = concat(tokens.values());
        tokens.clear();
        int latents = positions.length;
        return (firstChunk ? ditFirst() : ditLater()).run(Map.of(
                "x", GraphStep.Input.of(x, 1, layout.latentChannels(), latents, layout.latentHeight(),
                        layout.latentWidth()),
                "lq_tokens", GraphStep.Input.of(lqTokens, 1, lqTokens.length / layout.tokenDim(), layout.tokenDim()),
                "t_positions", GraphStep.Input.ofLongs(positions, latents)), state);
    }

    @Override
    public FrameTensor decode(boolean firstChunk, DecoderLatents latents, FrameTensor cond) throws EngineException {
        TcDecoderGraph decoder = layout.decoder(firstChunk);
        return new FrameTensor.Host((firstChunk ? decFirst() : decLater()).run(Map.of(
                TcDecoderGraph.LATENTS, GraphStep.Input.of(latents.hostValues(), decoder.latentsShape()),
                TcDecoderGraph.COND, GraphStep.Input.of(cond.hostValues(), decoder.condShape())), state)
                .get(TcDecoderGraph.FRAMES));
    }

    @Override
    public void reset() {
        state.clear();
        tokens.clear();
    }

    private static float[] concat(Collection<float[]> parts) {
        int total = parts.stream().mapToInt(p -> p.length).sum();
        float[] all = new float[total];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    GraphStep lq() {
        return steps[0];
    }

    GraphStep ditFirst() {
        return steps[1];
    }

    GraphStep ditLater() {
        return steps[2];
    }

    GraphStep decFirst() {
        return steps[3];
    }

    GraphStep decLater() {
        return steps[4];
    }

    /** Bytes of weights mapped (each once). */
    long mappedWeightBytes() {
        return weights.mappedBytes();
    }

    @Override
    public void close() {
        state.close();
        closeAll(steps, weights, entry);
    }
}
