package dev.flashvsr.engine.flashvsr.graph;

import dev.flashvsr.engine.onnx.ExternalWeights;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import dev.flashvsr.engine.weights.WeightSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The ONNX graph of one streaming call of FlashVSR's TCDecoder ({@code decode_video} with
 * {@code parallel=False}) for a fixed number T of latent frames.
 *
 * <p>Layers ({@code decoder.<i>}): 0 clamp {@code tanh(x/3)*3}; 1 conv 3x3; 2 ReLU; 3 conv;
 * 4 ReLU; 5-7 MemBlock; 8 upsample; 9 TGrow; 10 conv; 11-13 MemBlock; 14 upsample; 15 TGrow;
 * 16 conv; 17-19 MemBlock; 20 upsample; 21 TGrow; 22 conv; 23 ReLU; 24 conv; 25 ReLU; 26 conv.
 * Channels, biases and TGrow strides come from the weights, the upsampling and time growth
 * flags from {@link TcDecoderParams}. MemBlock(x, past) = ReLU(conv0-ReLU-conv2-ReLU-conv4
 * (cat[x, past]) + x). TGrow with stride s turns each frame into s consecutive frames (channel
 * group 0 first).
 *
 * <p>Time flow: frames go through every layer in time order, so each layer sees its frames as a
 * sequence; the graph therefore runs each layer on all of a call's frames at once (frames along
 * the batch axis) and gives every MemBlock the input it had one frame earlier at its own frame
 * rate as {@code past}: cat(state, x[0 .. n-2]). The new state is x[n-1]. This is upstream's
 * sequential order computed frame-parallel; only float rounding differs.
 *
 * <p>Graph interface (float32, static shapes; h, w = latent size, H = 8h, W = 8w):
 * <ul>
 * <li>input {@code latents} [1, T, 16, h, w] (NTCHW, as {@code decode_video} takes them);
 * <li>input {@code cond} [1, 3, 4T, H, W] (NCTHW, the low-resolution video at output size, in
 *     [-1, 1]); pixel-shuffled {@code b c (f 4) (h 8) (w 8) -> b (c 4 8 8) f h w} to 768
 *     channels that come before the 16 latent channels;
 * <li>input {@code mem_<i>} for each MemBlock i (5-7, 11-13, 17-19), [1, C_i, h_i, w_i] at that
 *     block's resolution (h, 2h, 4h), and output {@code mem_<i>_out} of the same shape: see
 *     {@link #states()};
 * <li>output {@code frames} [1, 4T, 3, H, W], the raw decode (roughly [0, 1]), not trimmed.
 * </ul>
 *
 * <p><b>Driving it.</b> A stream starts with every {@code mem_<i>} zero; each call passes the
 * previous call's {@code mem_<i>_out}. Upstream prepends copies of cond frame 0 when a call's
 * cond frame count is not a multiple of 4 (first call: 21 frames become 24); the runner does this
 * with {@link #padCond}. On the first call of a stream the runner drops the first
 * {@link TcDecoderParams#framesToTrim()} (3) output frames (24 become 21); later calls keep all.
 *
 * <p>With FP16/BF16 {@link ComputeType} the clamp runs in float32 on the inputs, everything after
 * it in the reduced type; the state and frame outputs are cast back to float32.
 */
public final class TcDecoderGraph {
    public static final String LATENTS = "latents";
    public static final String COND = "cond";
    public static final String FRAMES = "frames";

    /** The layer sequence of upstream's TAEHV decoder with identity-deepened ReLUs. */
    private enum Layer { CLAMP, CONV, RELU, MEMBLOCK, UPSAMPLE, TGROW }

    private static final List<Layer> LAYERS = List.of(Layer.CLAMP, Layer.CONV, Layer.RELU, Layer.CONV, Layer.RELU,
            Layer.MEMBLOCK, Layer.MEMBLOCK, Layer.MEMBLOCK, Layer.UPSAMPLE, Layer.TGROW, Layer.CONV,
            Layer.MEMBLOCK, Layer.MEMBLOCK, Layer.MEMBLOCK, Layer.UPSAMPLE, Layer.TGROW, Layer.CONV,
            Layer.MEMBLOCK, Layer.MEMBLOCK, Layer.MEMBLOCK, Layer.UPSAMPLE, Layer.TGROW, Layer.CONV, Layer.RELU,
            Layer.CONV, Layer.RELU, Layer.CONV);

    /** Clamp(x) = tanh(x / CLAMP_RANGE) * CLAMP_RANGE. */
    static final float CLAMP_RANGE = 3f;

    private final byte[] model;
    private final TcDecoderParams params;
    private final long[] latentsShape;
    private final long[] condShape;
    private final long[] framesShape;
    private final List<GraphState> states;

    private TcDecoderGraph(byte[] model, TcDecoderParams params, long[] latentsShape, long[] condShape,
            long[] framesShape, List<GraphState> states) {
        this.model = model;
        this.params = params;
        this.latentsShape = latentsShape;
        this.condShape = condShape;
        this.framesShape = framesShape;
        this.states = states;
    }

    /**
     * Builds the graph for calls of {@code latentFrames} latent frames of
     * {@code latentHeight} x {@code latentWidth}.
     *
     * @throws IllegalArgumentException naming the tensor when a weight is missing or misshapen
     */
    public static TcDecoderGraph build(WeightSource weights, TcDecoderParams params, int latentFrames,
            int latentHeight, int latentWidth, ComputeType precision) {
        return build(weights, params, latentFrames, latentHeight, latentWidth, precision, null);
    }

    /** As above, with the weights kept out of the model in {@code external} when it is not null. */
    public static TcDecoderGraph build(WeightSource weights, TcDecoderParams params, int latentFrames,
            int latentHeight, int latentWidth, ComputeType precision, ExternalWeights external) {
        if (latentFrames <= 0 || latentHeight <= 0 || latentWidth <= 0) {
            throw new IllegalArgumentException("TCDecoder latent frames and size must be positive, got "
                    + latentFrames + " frames of " + latentWidth + "x" + latentHeight);
        }
        CheckedWeights wt = new CheckedWeights(weights);
        int condChannels = params.condChannels();
        CheckedWeights.Stored first = wt.tensor(prefix(1) + "weight", -1, -1, -1, -1);
        int latentChannels = (int) first.dim(1) - condChannels;
        if (latentChannels <= 0) {
            throw new IllegalArgumentException(weights.origin() + ": tensor 'decoder.1.weight' takes " + first.dim(1)
                    + " input channels, not more than the " + condChannels + " conditioning channels");
        }
        int ff = params.condPixelShuffle().get(0);
        int space = params.spaceFactor();
        int outH = latentHeight * space;
        int outW = latentWidth * space;

        OnnxGraphBuilder builder = new OnnxGraphBuilder("flashvsr_tcdecoder_t" + latentFrames);
        if (external != null) {
            builder.externalWeights(external);
        }
        GraphOps g = new GraphOps(builder, precision);
        long[] latentsShape = {1, latentFrames, latentChannels, latentHeight, latentWidth};
        long[] condShape = {1, TcDecoderParams.COND_IMAGE_CHANNELS, (long) ff * latentFrames, outH, outW};
        String latents = g.reshape(builder.input(LATENTS, GraphOps.boxed(latentsShape)),
                latentFrames, latentChannels, latentHeight, latentWidth);
        String cond = builder.input(COND, GraphOps.boxed(condShape));
        String condShuffled = g.reshape(g.transpose(g.reshape(cond, TcDecoderParams.COND_IMAGE_CHANNELS, latentFrames,
                ff, latentHeight, space, latentWidth, space), 1, 0, 2, 4, 6, 3, 5),
                latentFrames, condChannels, latentHeight, latentWidth);

        List<GraphState> states = new ArrayList<>();
        List<String> stateValues = new ArrayList<>(); // the float32 value of each state output
        String x = null;
        int frames = latentFrames;
        int channels = condChannels + latentChannels;
        int height = latentHeight;
        int width = latentWidth;
        int upsample = 0;
        int tgrow = 0;
        for (int i = 0; i < LAYERS.size(); i++) {
            String p = prefix(i);
            switch (LAYERS.get(i)) {
                case CLAMP -> {
                    String range = g.floatConstant("clamp_range", new float[] {CLAMP_RANGE});
                    String joined = g.concat(1, condShuffled, latents);
                    x = g.toCompute(g.mul(g.tanh(g.div(joined, range)), range));
                }
                case CONV -> {
                    CheckedWeights.Stored weight = wt.tensor(p + "weight", -1, channels, -1, -1);
                    String bias = wt.contains(p + "bias")
                            ? g.weight(p + "bias", wt.tensor(p + "bias", weight.dim(0))) : null;
                    x = g.convSame2d(x, g.weight(p + "weight", weight), bias, (int) weight.dim(2));
                    channels = (int) weight.dim(0);
                }
                case RELU -> x = g.relu(x);
                case MEMBLOCK -> {
                    long[] shape = {1, channels, height, width};
                    String name = "mem_" + i;
                    String state = g.toCompute(builder.input(name, GraphOps.boxed(shape)));
                    String past = frames == 1 ? state : g.concat(0, state, g.slice(x, 0, 0, frames - 1));
                    String newState = frames == 1 ? x : g.slice(x, 0, frames - 1, frames);
                    stateValues.add(g.toFloat(newState));
                    states.add(new GraphState(name, name + "_out", shape));
                    x = memBlock(g, wt, p, x, past, channels);
                }
                case UPSAMPLE -> {
                    int factor = params.spaceUpscale().get(upsample++) ? 2 : 1;
                    x = g.upsampleNearest(x, factor);
                    height *= factor;
                    width *= factor;
                }
                case TGROW -> {
                    // The first TGrow keeps the frame rate; the others double it where time_upscale says so.
                    int stride = tgrow > 0 && params.timeUpscale().get(tgrow - 1) ? 2 : 1;
                    tgrow++;
                    CheckedWeights.Stored weight = wt.tensor(p + "conv.weight", (long) channels * stride, channels, 1, 1);
                    x = g.convSame2d(x, g.weight(p + "conv.weight", weight), null, 1);
                    if (stride > 1) {
                        x = g.reshape(x, (long) frames * stride, channels, height, width);
                        frames *= stride;
                    }
                }
            }
        }
        long[] framesShape = {1, frames, channels, height, width};
        builder.output(g.reshape(g.toFloat(x), framesShape), FRAMES, GraphOps.boxed(framesShape));
        for (int k = 0; k < states.size(); k++) {
            GraphState s = states.get(k);
            builder.output(stateValues.get(k), s.output(), GraphOps.boxed(s.shape()));
        }
        builder.docString("FlashVSR TCDecoder, " + latentFrames + " latent frames per call (" + precision + ") from "
                + weights.origin());
        return new TcDecoderGraph(g.serialize(), params, latentsShape, condShape, framesShape,
                List.copyOf(states));
    }

    /** MemBlock: ReLU(conv0-ReLU-conv2-ReLU-conv4(cat[x, past]) + x). */
    private static String memBlock(GraphOps g, CheckedWeights wt, String p, String x, String past, int channels) {
        String y = g.concat(1, x, past);
        int in = 2 * channels;
        for (int k = 0; k <= 4; k += 2) {
            String conv = p + "conv." + k + ".";
            CheckedWeights.Stored weight = wt.tensor(conv + "weight", channels, in, -1, -1);
            y = g.convSame2d(y, g.weight(conv + "weight", weight), g.weight(conv + "bias",
                    wt.tensor(conv + "bias", channels)), (int) weight.dim(2));
            in = channels;
            if (k < 4) {
                y = g.relu(y);
            }
        }
        return g.relu(g.add(y, x));
    }

    private static String prefix(int layer) {
        return "decoder." + layer + ".";
    }

    /** Serialized ONNX model. */
    public byte[] model() {
        return model.clone();
    }

    /** The MemBlock memories in layer order: inputs {@code mem_<i>}, outputs {@code mem_<i>_out}. */
    public List<GraphState> states() {
        return states;
    }

    /** Shape of input {@code latents}: [1, T, 16, h, w]. */
    public long[] latentsShape() {
        return latentsShape.clone();
    }

    /** Shape of input {@code cond}: [1, 3, 4T, 8h, 8w]. */
    public long[] condShape() {
        return condShape.clone();
    }

    /** Shape of output {@code frames}: [1, 4T, 3, 8h, 8w]. */
    public long[] framesShape() {
        return framesShape.clone();
    }

    public TcDecoderParams params() {
        return params;
    }

    /**
     * Upstream's cond padding: when {@code frames} is not a multiple of the cond pixel shuffle's
     * frame factor (4), copies of frame 0 are prepended up to the next multiple (21 → 24).
     *
     * @param cond [1, 3, frames, height, width] (NCTHW)
     * @return the padded cond, [1, 3, frames', height, width]
     */
    public static float[] padCond(float[] cond, int frames, int height, int width, TcDecoderParams params) {
        int channels = TcDecoderParams.COND_IMAGE_CHANNELS;
        int plane = height * width;
        if (frames <= 0 || cond.length != channels * frames * plane) {
            throw new IllegalArgumentException("cond has " + cond.length + " values, expected " + channels + "x"
                    + frames + "x" + height + "x" + width);
        }
        int group = params.condPixelShuffle().get(0);
        int padded = (frames + group - 1) / group * group;
        int extra = padded - frames;
        float[] out = new float[channels * padded * plane];
        for (int c = 0; c < channels; c++) {
            for (int k = 0; k < extra; k++) {
                System.arraycopy(cond, c * frames * plane, out, (c * padded + k) * plane, plane);
            }
            System.arraycopy(cond, c * frames * plane, out, (c * padded + extra) * plane, frames * plane);
        }
        return out;
    }
}
