package dev.flashvsr.engine.flashvsr.graph;

import dev.flashvsr.engine.onnx.ExternalWeights;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import dev.flashvsr.engine.weights.WeightSource;
import java.util.Arrays;
import java.util.List;

/**
 * The ONNX graph of one streaming step of FlashVSR's LQ projector: a group of
 * {@link LqProjectorParams#framesPerCall()} (4) low-resolution frames, bicubic-upscaled to the
 * output size and in [-1, 1], becomes one latent frame of DiT tokens.
 *
 * <p>Step ({@link Variant#CAUSAL_V1_1}, upstream {@code Causal_LQ4x_Proj.stream_forward}):
 * x = PixelShuffle3d(video) (channel {@code c*256 + row*16 + col}); conv1 input =
 * cat(cache_conv1, x) along time; both spatial sides padded by replicating edges; Conv3d
 * (stride 2 in time); RMS norm (float32: x / max(||x||, 1e-12) over channels * sqrt(C) * gamma);
 * SiLU; the same again with cache_conv2 and conv2; tokens {@code b c f h w -> b (f h w) c};
 * Linear ({@code linear_layers.0}). New caches: the last 2 frames of x, and the 2 conv1-stage
 * frames.
 *
 * <p>Graph interface (all float32, static shapes, h = H/16, w = W/16, C1/C2/D from the weights):
 * <ul>
 * <li>input {@code video} [1, 3, 4, H, W] (NCTHW);
 * <li>input {@code cache_conv1} [1, 768, 2, h, w], output {@code cache_conv1_out} (same shape);
 * <li>input {@code cache_conv2} [1, C1, 2, h, w], output {@code cache_conv2_out} (same shape);
 * <li>output {@code tokens} [1, h*w, D] (token order row-major over (h, w)).
 * </ul>
 *
 * <p><b>First call of a stream.</b> Upstream feeds frame 0 alone, prepends 3 copies of it and,
 * with no cache, pads conv1 in time by replicating its first frame; it stores the caches and
 * returns no tokens. The same step graph reproduces that exactly with the inputs of
 * {@link #firstCallInputs(float[])}: {@code video} = 4 copies of frame 0, {@code cache_conv1} =
 * 2 copies of the pixel-shuffled frame 0 (what the replicate padding adds), {@code cache_conv2} =
 * zeros (it only affects the tokens); the runner keeps both cache outputs and discards the
 * tokens. Every later call feeds the next 4 frames with the caches of the previous call.
 *
 * <p>{@link Variant#BUFFER_V1_0} (v1.0's {@code Buffer_LQ4x_Proj.stream_forward}) overwrites each
 * cache with the current call's own last frames before the convolution, so it carries no state:
 * its graph has only {@code video} and {@code tokens}, and every call, the first included, returns
 * tokens.
 *
 * <p>Weights (upstream names): {@code conv1.weight/bias}, {@code norm1.gamma},
 * {@code conv2.weight/bias}, {@code norm2.gamma}, {@code linear_layers.0.weight/bias}; stored in
 * the graph's {@link ComputeType}. With FP16/BF16 the convolutions and the Linear run in that type,
 * the norms and SiLU in float32.
 */
public final class LqProjectorGraph {
    public static final String VIDEO = "video";
    public static final String CACHE_CONV1 = "cache_conv1";
    public static final String CACHE_CONV2 = "cache_conv2";
    public static final String TOKENS = "tokens";
    public static final String CACHE_CONV1_OUT = "cache_conv1_out";
    public static final String CACHE_CONV2_OUT = "cache_conv2_out";

    /** Which upstream module the step reproduces. */
    public enum Variant {
        /** v1.1 {@code Causal_LQ4x_Proj}: caches carry the previous call's frames. */
        CAUSAL_V1_1,
        /** v1.0 {@code Buffer_LQ4x_Proj}: each call's caches are its own frames (stateless). */
        BUFFER_V1_0
    }

    /** RMS norm's lower bound on the channel norm (F.normalize's eps). */
    static final float NORM_EPS = 1e-12f;

    private final byte[] model;
    private final LqProjectorParams params;
    private final Variant variant;
    private final long[] videoShape;
    private final long[] tokensShape;
    private final List<GraphState> states;

    private LqProjectorGraph(byte[] model, LqProjectorParams params, Variant variant, long[] videoShape,
            long[] tokensShape, List<GraphState> states) {
        this.model = model;
        this.params = params;
        this.variant = variant;
        this.videoShape = videoShape;
        this.tokensShape = tokensShape;
        this.states = states;
    }

    /**
     * Builds the step graph for output frames of {@code height} x {@code width} pixels (multiples
     * of the pixel-shuffle factors).
     *
     * @throws IllegalArgumentException naming the tensor when a weight is missing or misshapen,
     *     or when the sizes do not fit the parameters
     */
    public static LqProjectorGraph build(WeightSource weights, LqProjectorParams params, int height, int width,
            Variant variant, ComputeType precision) {
        return build(weights, params, height, width, variant, precision, null);
    }

    /** As above, with the weights kept out of the model in {@code external} when it is not null. */
    public static LqProjectorGraph build(WeightSource weights, LqProjectorParams params, int height, int width,
            Variant variant, ComputeType precision, ExternalWeights external) {
        int ff = params.pixelShuffle().get(0);
        int sh = params.pixelShuffle().get(1);
        int sw = params.pixelShuffle().get(2);
        if (height <= 0 || width <= 0 || height % sh != 0 || width % sw != 0) {
            throw new IllegalArgumentException("LQ projector frame size " + width + "x" + height
                    + " must be positive multiples of " + sw + "x" + sh);
        }
        int h = height / sh;
        int w = width / sw;
        int cs = params.shuffledChannels();
        int cache = params.cacheFrames();
        int kt = params.kernel().get(0);
        int st = params.stride().get(0);
        int frames = params.framesPerCall();
        int shuffledFrames = frames / ff;

        CheckedWeights wt = new CheckedWeights(weights);
        CheckedWeights.Stored conv1 = convWeight(wt, "conv1", cs, params);
        int c1 = (int) conv1.dim(0);
        CheckedWeights.Stored conv2 = convWeight(wt, "conv2", c1, params);
        int c2 = (int) conv2.dim(0);
        CheckedWeights.Stored linear = wt.tensor("linear_layers.0.weight", -1, c2);
        int outDim = (int) linear.dim(0);

        int stage1Frames = outputFrames(cache + shuffledFrames, kt, st, "conv1");
        int stage2Frames = outputFrames(cache + stage1Frames, kt, st, "conv2");
        if (stage1Frames < cache) {
            throw new IllegalArgumentException("LQ projector conv1 yields " + stage1Frames
                    + " frames per call, fewer than the " + cache + " frames conv2 caches");
        }

        OnnxGraphBuilder builder = new OnnxGraphBuilder("flashvsr_lq_projector_" + variant.name().toLowerCase());
        if (external != null) {
            builder.externalWeights(external);
        }
        GraphOps g = new GraphOps(builder, precision);
        long[] videoShape = {1, params.inDim(), frames, height, width};
        String video = builder.input(VIDEO, GraphOps.boxed(videoShape));
        String x = g.reshape(g.transpose(g.reshape(video, params.inDim(), shuffledFrames, ff, h, sh, w, sw),
                0, 2, 4, 6, 1, 3, 5), 1, cs, shuffledFrames, h, w);
        String ownCache1 = g.slice(x, 2, shuffledFrames - cache, shuffledFrames);
        long[] cache1Shape = {1, cs, cache, h, w};
        long[] cache2Shape = {1, c1, cache, h, w};
        boolean causal = variant == Variant.CAUSAL_V1_1;
        String cache1 = causal ? builder.input(CACHE_CONV1, GraphOps.boxed(cache1Shape)) : ownCache1;
        String cache2 = causal ? builder.input(CACHE_CONV2, GraphOps.boxed(cache2Shape)) : null;

        String stage1 = convNormSilu(g, g.concat(2, cache1, x), wt, "conv1", conv1, "norm1", params);
        String ownCache2 = stage1Frames == cache ? stage1 : g.slice(stage1, 2, stage1Frames - cache, stage1Frames);
        String stage2 = convNormSilu(g, g.concat(2, causal ? cache2 : ownCache2, stage1), wt, "conv2", conv2, "norm2",
                params);

        long tokens = (long) stage2Frames * h * w;
        // Gemm(A^T, W^T): A = [C2, frames*h*w] is the stage-2 output as it lies (token order f, h, w).
        String projected = g.gemm(g.reshape(g.toCompute(stage2), c2, tokens),
                g.weight("linear_layers.0.weight", linear),
                g.weight("linear_layers.0.bias", wt.tensor("linear_layers.0.bias", outDim)), true, true);
        long[] tokensShape = {1, tokens, outDim};
        builder.output(g.reshape(g.toFloat(projected), tokensShape), TOKENS, GraphOps.boxed(tokensShape));
        List<GraphState> states = List.of();
        if (causal) {
            builder.output(ownCache1, CACHE_CONV1_OUT, GraphOps.boxed(cache1Shape));
            builder.output(ownCache2, CACHE_CONV2_OUT, GraphOps.boxed(cache2Shape));
            states = List.of(new GraphState(CACHE_CONV1, CACHE_CONV1_OUT, cache1Shape),
                    new GraphState(CACHE_CONV2, CACHE_CONV2_OUT, cache2Shape));
        }
        builder.docString("FlashVSR LQ projector step (" + variant + ", " + precision + ") from " + weights.origin());
        return new LqProjectorGraph(g.serialize(), params, variant, videoShape, tokensShape, states);
    }

    /** Serialized ONNX model. */
    public byte[] model() {
        return model.clone();
    }

    public Variant variant() {
        return variant;
    }

    /** Shape of input {@code video}: [1, 3, 4, H, W]. */
    public long[] videoShape() {
        return videoShape.clone();
    }

    /** Shape of output {@code tokens}: [1, h*w, D]. */
    public long[] tokensShape() {
        return tokensShape.clone();
    }

    /** The caches (conv1 then conv2) for {@link Variant#CAUSAL_V1_1}; none for v1.0. */
    public List<GraphState> states() {
        return states;
    }

    /**
     * The step inputs that reproduce upstream's first call of a stream (frame 0 alone), in graph
     * input order: {@code video}, then for v1.1 {@code cache_conv1} and {@code cache_conv2}. The
     * tokens of this call are to be discarded for v1.1 (upstream returns none).
     *
     * @param frame0 the first frame, [3, H, W] (CHW, as {@code video[0, :, 0]})
     */
    public List<float[]> firstCallInputs(float[] frame0) {
        int channels = (int) videoShape[1];
        int frames = (int) videoShape[2];
        int plane = (int) (videoShape[3] * videoShape[4]);
        if (frame0.length != channels * plane) {
            throw new IllegalArgumentException("first frame has " + frame0.length + " values, expected "
                    + channels + "x" + videoShape[3] + "x" + videoShape[4]);
        }
        float[] video = repeatPerChannel(frame0, channels, frames);
        if (states.isEmpty()) {
            return List.of(video);
        }
        int ff = params.pixelShuffle().get(0);
        // The shuffled frame 0 (from ff copies when the shuffle groups frames), once per cached frame.
        float[] shuffled = pixelShuffle(repeatPerChannel(frame0, channels, ff), channels, ff, (int) videoShape[3],
                (int) videoShape[4], params.pixelShuffle());
        float[] cache1 = repeatPerChannel(shuffled, params.shuffledChannels(), params.cacheFrames());
        return List.of(video, cache1, new float[states.get(1).size()]);
    }

    /**
     * PixelShuffle3d {@code b c (f ff) (h hh) (w ww) -> b (c ff hh ww) f h w} of one video
     * [channels, frames, height, width] with factors (ff, hh, ww).
     */
    public static float[] pixelShuffle(float[] video, int channels, int frames, int height, int width,
            List<Integer> factors) {
        int ff = factors.get(0);
        int fh = factors.get(1);
        int fw = factors.get(2);
        if (frames % ff != 0 || height % fh != 0 || width % fw != 0
                || video.length != channels * frames * height * width) {
            throw new IllegalArgumentException("cannot pixel-shuffle " + channels + "x" + frames + "x" + height + "x"
                    + width + " (" + video.length + " values) by " + factors);
        }
        int f2 = frames / ff;
        int h2 = height / fh;
        int w2 = width / fw;
        float[] out = new float[video.length];
        int o = 0;
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < ff; i++) {
                for (int y = 0; y < fh; y++) {
                    for (int x = 0; x < fw; x++) {
                        for (int f = 0; f < f2; f++) {
                            for (int r = 0; r < h2; r++) {
                                int row = ((c * frames + f * ff + i) * height + r * fh + y) * width + x;
                                for (int q = 0; q < w2; q++) {
                                    out[o++] = video[row + q * fw];
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- pieces

    /** Edge-padded causal Conv3d (its input already holds the cached frames), RMS norm, SiLU. */
    private static String convNormSilu(GraphOps g, String x, CheckedWeights wt, String conv, CheckedWeights.Stored weight,
            String norm, LqProjectorParams params) {
        long ph = params.padding().get(1);
        long pw = params.padding().get(2);
        int channels = (int) weight.dim(0);
        String padded = g.padEdge(g.toCompute(x), 0, 0, 0, ph, pw, 0, 0, 0, ph, pw);
        String y = g.conv(padded, g.weight(conv + ".weight", weight),
                g.weight(conv + ".bias", wt.tensor(conv + ".bias", channels)),
                GraphOps.longs(params.kernel()), GraphOps.longs(params.stride()));
        return g.silu(rmsNorm(g, g.toFloat(y), wt.read(norm + ".gamma", channels, 1, 1, 1), norm));
    }

    /** float32 {@code x / max(||x||_channels, eps) * sqrt(C) * gamma} of an NCTHW tensor. */
    private static String rmsNorm(GraphOps g, String x, float[] gamma, String name) {
        int channels = gamma.length;
        float[] scale = new float[channels];
        float root = (float) Math.sqrt(channels);
        for (int c = 0; c < channels; c++) {
            scale[c] = root * gamma[c];
        }
        String norm = g.max(g.sqrt(g.reduceSumKeepDims(g.mul(x, x), 1)),
                g.floatConstant(name + "_eps", new float[] {NORM_EPS}));
        return g.mul(g.div(x, norm), g.floatConstant(name + "_scale", scale, 1, channels, 1, 1, 1));
    }

    private static int outputFrames(int inputFrames, int kernel, int stride, String conv) {
        if (inputFrames < kernel || (inputFrames - kernel) % stride != 0) {
            throw new IllegalArgumentException("LQ projector " + conv + " gets " + inputFrames
                    + " frames, which kernel " + kernel + " with stride " + stride + " does not tile");
        }
        return (inputFrames - kernel) / stride + 1;
    }

    /** Each channel's block of {@code data} (its frames) repeated {@code copies} times in a row. */
    private static float[] repeatPerChannel(float[] data, int channels, int copies) {
        int block = data.length / channels;
        float[] out = new float[data.length * copies];
        for (int c = 0; c < channels; c++) {
            for (int k = 0; k < copies; k++) {
                System.arraycopy(data, c * block, out, (c * copies + k) * block, block);
            }
        }
        return out;
    }

    /** {@code <prefix>.weight} of a 3-D convolution with {@code in} input channels. */
    private static CheckedWeights.Stored convWeight(CheckedWeights wt, String prefix, int in, LqProjectorParams params) {
        List<Integer> k = params.kernel();
        return wt.tensor(prefix + ".weight", -1, in, k.get(0), k.get(1), k.get(2));
    }
}
