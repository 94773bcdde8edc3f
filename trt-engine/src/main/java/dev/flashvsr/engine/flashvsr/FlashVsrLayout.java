package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.flashvsr.graph.ComputeType;
import dev.flashvsr.engine.flashvsr.graph.LqProjectorGraph;
import dev.flashvsr.engine.flashvsr.graph.LqProjectorParams;
import dev.flashvsr.engine.flashvsr.graph.TcDecoderGraph;
import dev.flashvsr.engine.flashvsr.graph.TcDecoderParams;
import dev.flashvsr.engine.flashvsr.load.Dims3;
import dev.flashvsr.engine.flashvsr.load.FlashVsrConfig;
import dev.flashvsr.engine.flashvsr.load.LqProjVariant;
import dev.flashvsr.engine.onnx.ExternalWeights;
import java.util.List;

/**
 * What a FlashVSR stream needs to know of its graphs at one model frame size, whatever runs them:
 * the sizes (frame, latents, tokens, RoPE) and the projector's and decoder's interfaces (input
 * shapes, states and their first values).
 */
public final class FlashVsrLayout {
    private final FlashVsrConfig config;
    private final int width;
    private final int height;
    private final LqProjectorGraph lqProjector;
    private final TcDecoderGraph decoderFirst;
    private final TcDecoderGraph decoderLater;

    private FlashVsrLayout(FlashVsrConfig config, int width, int height, LqProjectorGraph lqProjector,
            TcDecoderGraph decoderFirst, TcDecoderGraph decoderLater) {
        this.config = config;
        this.width = width;
        this.height = height;
        this.lqProjector = lqProjector;
        this.decoderFirst = decoderFirst;
        this.decoderLater = decoderLater;
    }

    /**
     * The layout of {@code pkg} in {@code precision} for model frames of {@code width x height}, for
     * runtimes that load exported graphs ({@link ExportedGraphs}).
     */
    public static FlashVsrLayout of(FlashVsrPackage pkg, int width, int height, Precision precision) {
        return of(pkg, width, height, GraphPrecision.of(precision, pkg).compute(), null);
    }

    /**
     * The layout, its projector and decoder graphs built with their weights kept in {@code external}
     * (writing them, or finding them written), or in the models when it is null.
     */
    static FlashVsrLayout of(FlashVsrPackage pkg, int width, int height, ComputeType compute,
            ExternalWeights external) {
        FlashVsrConfig config = pkg.config();
        int latentH = height / 8;
        int latentW = width / 8;
        FlashVsrConfig.LqProj p = config.lqProj();
        LqProjectorParams lqParams = new LqProjectorParams(p.inDim(), list(p.pixelShuffle()),
                list(p.convKernel()), list(p.convStride()), list(p.convPadding()));
        LqProjectorGraph lq = LqProjectorGraph.build(pkg.lqProj(), lqParams, height, width,
                p.variant() == LqProjVariant.BUFFER ? LqProjectorGraph.Variant.BUFFER_V1_0
                        : LqProjectorGraph.Variant.CAUSAL_V1_1, compute, external);
        FlashVsrConfig.TcDecoder t = config.tcDecoder();
        TcDecoderParams decParams = new TcDecoderParams(list(t.condPixelShuffle()), t.timeUpscale(),
                t.spaceUpscale(), t.framesToTrim());
        return new FlashVsrLayout(config, width, height, lq,
                TcDecoderGraph.build(pkg.tcDecoder(), decParams, ChunkSchedule.FIRST_CHUNK_LATENTS, latentH,
                        latentW, compute, external),
                TcDecoderGraph.build(pkg.tcDecoder(), decParams, ChunkSchedule.CHUNK_LATENTS, latentH, latentW,
                        compute, external));
    }

    private static List<Integer> list(Dims3 d) {
        return List.of(d.t(), d.h(), d.w());
    }

    public int height() {
        return height;
    }

    public int width() {
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

    /** The decoder of chunk 0 or of later chunks. */
    TcDecoderGraph decoder(boolean firstChunk) {
        return firstChunk ? decoderFirst : decoderLater;
    }
}
