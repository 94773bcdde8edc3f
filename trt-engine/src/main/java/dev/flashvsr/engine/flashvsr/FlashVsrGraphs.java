package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.flashvsr.graph.BlockMaskBuilder;
import dev.flashvsr.engine.flashvsr.graph.DitConstants;
import dev.flashvsr.engine.flashvsr.graph.DitDims;
import dev.flashvsr.engine.flashvsr.graph.DitGraph;
import dev.flashvsr.engine.flashvsr.graph.DitGraphSpec;
import dev.flashvsr.engine.flashvsr.graph.LcsaMask;
import dev.flashvsr.engine.flashvsr.graph.LcsaParams;
import dev.flashvsr.engine.flashvsr.graph.LqProjectorGraph;
import dev.flashvsr.engine.flashvsr.graph.LqProjectorParams;
import dev.flashvsr.engine.flashvsr.graph.Precision;
import dev.flashvsr.engine.flashvsr.graph.TcDecoderGraph;
import dev.flashvsr.engine.flashvsr.graph.TcDecoderParams;
import dev.flashvsr.engine.flashvsr.load.Dims3;
import dev.flashvsr.engine.flashvsr.load.FlashVsrConfig;
import dev.flashvsr.engine.flashvsr.load.LqProjVariant;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The five graphs one FlashVSR stream runs, built for one model frame size (multiples of 128) and
 * loaded into ONNX Runtime: the LQ projector step, the DiT for chunk 0 and for later chunks, and the
 * decoder for chunk 0 and for later chunks. Building them reads the package's weights; the
 * timestep, modulation and prompt K/V are folded into the DiT as constants.
 */
final class FlashVsrGraphs implements AutoCloseable {
    private final FlashVsrConfig config;
    private final int height;
    private final int width;
    private final LqProjectorGraph lqProjector;
    private final TcDecoderGraph decoderFirst;
    private final TcDecoderGraph decoderLater;
    private final GraphStep lq;
    private final GraphStep ditFirst;
    private final GraphStep ditLater;
    private final GraphStep decFirst;
    private final GraphStep decLater;

    private FlashVsrGraphs(FlashVsrConfig config, int height, int width, LqProjectorGraph lqProjector,
            TcDecoderGraph decoderFirst, TcDecoderGraph decoderLater, GraphStep lq, GraphStep ditFirst,
            GraphStep ditLater, GraphStep decFirst, GraphStep decLater) {
        this.config = config;
        this.height = height;
        this.width = width;
        this.lqProjector = lqProjector;
        this.decoderFirst = decoderFirst;
        this.decoderLater = decoderLater;
        this.lq = lq;
        this.ditFirst = ditFirst;
        this.ditLater = ditLater;
        this.decFirst = decFirst;
        this.decLater = decLater;
    }

    /**
     * Builds and loads the graphs for model frames of {@code width x height} (multiples of 128).
     *
     * @param attention LCSA settings, or null for dense attention
     */
    static FlashVsrGraphs build(FlashVsrPackage pkg, int width, int height, Attention attention, int threads)
            throws EngineException {
        Builders builders = Builders.of(pkg, width, height, attention);
        byte[] dit0 = DitGraph.build(pkg.dit(), builders.constants(), builders.dims(), builders.firstDit())
                .toByteArray();
        byte[] ditN = DitGraph.build(pkg.dit(), builders.constants(), builders.dims(), builders.laterDit())
                .toByteArray();
        GraphStep[] steps = new GraphStep[5];
        try {
            steps[0] = new GraphStep("LQ projector", builders.lq().model(), threads);
            steps[1] = new GraphStep("DiT (chunk 0)", dit0, threads);
            steps[2] = new GraphStep("DiT (later chunks)", ditN, threads);
            steps[3] = new GraphStep("decoder (chunk 0)", builders.decoderFirst().model(), threads);
            steps[4] = new GraphStep("decoder (later chunks)", builders.decoderLater().model(), threads);
        } catch (EngineException e) {
            for (GraphStep s : steps) {
                if (s != null) {
                    s.close();
                }
            }
            throw e;
        }
        return new FlashVsrGraphs(pkg.config(), height, width, builders.lq(), builders.decoderFirst(),
                builders.decoderLater(), steps[0], steps[1], steps[2], steps[3], steps[4]);
    }

    /** File names of the graphs {@link #export} writes. */
    static final List<String> EXPORTED = List.of("lq_projector.onnx", "dit_chunk0.onnx", "dit_later.onnx",
            "decoder_chunk0.onnx", "decoder_later.onnx");

    /**
     * Writes the five graphs for model frames of {@code width x height} into {@code folder} as
     * ONNX files (for other runtimes, such as TensorRT's ONNX parser); the DiT's weights go to
     * external data files beside them ({@code <graph>.data}), so graphs past 2 GB work.
     */
    static void export(FlashVsrPackage pkg, int width, int height, Attention attention, Path folder)
            throws EngineException, IOException {
        Builders builders = Builders.of(pkg, width, height, attention);
        Files.createDirectories(folder);
        Files.write(folder.resolve(EXPORTED.get(0)), builders.lq().model());
        DitGraphSpec[] specs = {builders.firstDit(), builders.laterDit()};
        for (int i = 0; i < 2; i++) {
            Path file = folder.resolve(EXPORTED.get(1 + i));
            OnnxGraphBuilder b = new OnnxGraphBuilder("flashvsr_dit")
                    .externalData(folder.resolve(file.getFileName() + ".data"), EXTERNAL_MIN_BYTES);
            DitGraph.build(b, pkg.dit(), builders.constants(), builders.dims(), specs[i]);
            b.save(file);
        }
        Files.write(folder.resolve(EXPORTED.get(3)), builders.decoderFirst().model());
        Files.write(folder.resolve(EXPORTED.get(4)), builders.decoderLater().model());
    }

    /** Initializers at least this large go to external data. */
    private static final long EXTERNAL_MIN_BYTES = 1024;

    /** Everything the graphs of one frame size are built from. */
    private record Builders(DitDims dims, DitConstants constants, DitGraphSpec firstDit, DitGraphSpec laterDit,
            LqProjectorGraph lq, TcDecoderGraph decoderFirst, TcDecoderGraph decoderLater) {

        static Builders of(FlashVsrPackage pkg, int width, int height, Attention attention) {
            FlashVsrConfig config = pkg.config();
            FlashVsrConfig.Dit d = config.dit();
            int latentH = height / 8;
            int latentW = width / 8;
            DitDims dims = DitDims.fromWeights(pkg.dit(), d.numHeads(), d.eps(), d.ropeTheta(),
                    d.ropeTablePositions(), d.attentionBlockWindow().t(), d.attentionBlockWindow().h(),
                    d.attentionBlockWindow().w());
            DitConstants constants = DitConstants.compute(pkg.dit(), pkg.textContext(), dims,
                    FlashVsrPackage.TIMESTEP);
            BlockMaskBuilder masks = attention == null ? BlockMaskBuilder.dense()
                    : (b, layer, q, k, layout) -> LcsaMask.build(b, q, k, new LcsaParams(layout.blockRows(),
                            layout.blockCols(), layout.queryGroups(), layout.keyGroups(), attention.localRange(),
                            attention.topkRatio(width, height)));
            int kvLen = config.streaming().kvRatio();
            FlashVsrConfig.LqProj p = config.lqProj();
            LqProjectorParams lqParams = new LqProjectorParams(p.inDim(), list(p.pixelShuffle()),
                    list(p.convKernel()), list(p.convStride()), list(p.convPadding()));
            LqProjectorGraph lq = LqProjectorGraph.build(pkg.lqProj(), lqParams, height, width,
                    p.variant() == LqProjVariant.BUFFER ? LqProjectorGraph.Variant.BUFFER_V1_0
                            : LqProjectorGraph.Variant.CAUSAL_V1_1, Precision.FP32);
            FlashVsrConfig.TcDecoder t = config.tcDecoder();
            TcDecoderParams decParams = new TcDecoderParams(list(t.condPixelShuffle()), t.timeUpscale(),
                    t.spaceUpscale(), t.framesToTrim());
            return new Builders(dims, constants,
                    DitGraphSpec.firstChunk(ChunkSchedule.FIRST_CHUNK_LATENTS, latentH, latentW, kvLen,
                            Precision.FP32, masks),
                    DitGraphSpec.laterChunk(ChunkSchedule.CHUNK_LATENTS, latentH, latentW, kvLen, kvLen,
                            Precision.FP32, masks),
                    lq,
                    TcDecoderGraph.build(pkg.tcDecoder(), decParams, ChunkSchedule.FIRST_CHUNK_LATENTS, latentH,
                            latentW, Precision.FP32),
                    TcDecoderGraph.build(pkg.tcDecoder(), decParams, ChunkSchedule.CHUNK_LATENTS, latentH, latentW,
                            Precision.FP32));
        }
    }

    private static List<Integer> list(Dims3 d) {
        return List.of(d.t(), d.h(), d.w());
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

    int height() {
        return height;
    }

    int width() {
        return width;
    }

    int latentHeight() {
        return height / 8;
    }

    int latentWidth() {
        return width / 8;
    }

    int latentChannels() {
        return config.dit().inDim();
    }

    int tokenDim() {
        return config.dit().dim();
    }

    int kvLen() {
        return config.streaming().kvRatio();
    }

    int headDim() {
        return config.dit().headDim();
    }

    int ropeTimeDims() {
        return config.dit().ropeHeadDimSplit().t();
    }

    double ropeTheta() {
        return config.dit().ropeTheta();
    }

    int ropePositions() {
        return config.dit().ropeTablePositions();
    }

    int framesToTrim() {
        return config.tcDecoder().framesToTrim();
    }

    LqProjectorGraph lqProjector() {
        return lqProjector;
    }

    TcDecoderGraph decoderFirst() {
        return decoderFirst;
    }

    TcDecoderGraph decoderLater() {
        return decoderLater;
    }

    GraphStep lq() {
        return lq;
    }

    GraphStep ditFirst() {
        return ditFirst;
    }

    GraphStep ditLater() {
        return ditLater;
    }

    GraphStep decFirst() {
        return decFirst;
    }

    GraphStep decLater() {
        return decLater;
    }

    @Override
    public void close() {
        lq.close();
        ditFirst.close();
        ditLater.close();
        decFirst.close();
        decLater.close();
    }
}
