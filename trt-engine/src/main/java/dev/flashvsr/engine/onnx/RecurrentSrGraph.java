package dev.flashvsr.engine.onnx;

import dev.flashvsr.engine.model.Luma;
import dev.flashvsr.engine.model.MotionSmoothing;
import dev.flashvsr.engine.model.RecurrentSrArchitecture;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Builds the ONNX graph of a {@link RecurrentSrArchitecture} from its weights: exactly the
 * forward pass that class documents, with standard opset-17 ops only (Concat, Conv, Relu, Slice,
 * DepthToSpace CRD, Tanh, Add, Pad; Sigmoid, Sub, Abs and Mul for the temporal gate; Resize
 * only with {@link BicubicMethod#RESIZE}).
 *
 * <p>By default the bicubic base is computed as {@link BicubicMethod#PHASE_CONV}: a fixed
 * grouped convolution gives its {@code scale^2} phases at low resolution, the residual channels
 * are added to them there, and a single DepthToSpace produces the output; this is
 * mathematically the documented {@code bicubic(current) + DepthToSpace(residual)}.
 *
 * <p>Graph inputs: {@code current}, {@code previous} [N, 3, H, W] and {@code hidden}
 * [N, hiddenChannels, H, W]; outputs {@code output} [N, 3, scale H, scale W] and
 * {@code hidden_out} [N, hiddenChannels, H, W]. H, W and N are symbolic. When
 * {@code hiddenChannels == 0} the graph has neither {@code hidden} nor {@code hidden_out}. With a
 * temporal gate it also has {@code residual} and {@code residual_out} [N, 3 scale^2 + 1, H, W]; the
 * blend is done at low resolution on the bicubic phases (so only {@link BicubicMethod#PHASE_CONV}
 * is offered for it), in the CRD channel order that the gate, replicated over the three colours,
 * shares with the residual.
 * With {@link MotionSmoothing} the output is then smoothed over time by
 * {@link MotionSmoothingGraph}, which adds the state {@code smoothed} / {@code smoothed_out}.
 * The architecture is recorded in the model's metadata_props ({@link #META_ARCHITECTURE} etc.).
 */
public final class RecurrentSrGraph {
    public static final String META_ARCHITECTURE = "flashvsr.architecture";
    public static final String META_SCALE = "flashvsr.scale";
    public static final String META_FEATURES = "flashvsr.features";
    public static final String META_LAYERS = "flashvsr.layers";
    public static final String META_HIDDEN_CHANNELS = "flashvsr.hidden_channels";
    public static final String META_TEMPORAL_GATE = "flashvsr.temporal_gate";
    public static final String META_MOTION_SMOOTHING = "flashvsr.motion_smoothing";
    public static final String ARCHITECTURE_NAME = "RecurrentSr";

    private RecurrentSrGraph() {
    }

    /**
     * The serialized ONNX model, with the bicubic base computed by
     * {@link BicubicMethod#PHASE_CONV}; see {@link #build(RecurrentSrArchitecture, Map, BicubicMethod)}.
     */
    public static byte[] build(RecurrentSrArchitecture arch, Map<String, FloatTensor> weights) {
        return build(arch, weights, BicubicMethod.PHASE_CONV);
    }

    /**
     * The serialized ONNX model.
     *
     * @param bicubic how the bicubic base is computed (all methods give the same values)
     * @throws IllegalArgumentException listing every missing, unexpected or misshapen weight, or
     *     a weight with a non-finite value
     */
    public static byte[] build(RecurrentSrArchitecture arch, Map<String, FloatTensor> weights,
            BicubicMethod bicubic) {
        return builder(arch, weights, bicubic, null).toByteArray();
    }

    /**
     * The serialized ONNX model with its output smoothed over time ({@link MotionSmoothing}),
     * which adds the state {@link MotionSmoothing#INPUT_STATE} / {@link MotionSmoothing#OUTPUT_STATE};
     * with {@code smoothing} null, the same as {@link #build(RecurrentSrArchitecture, Map)}.
     *
     * @throws IllegalArgumentException as {@link #build(RecurrentSrArchitecture, Map, BicubicMethod)},
     *     and for an architecture with a temporal gate (the two would blend twice)
     */
    public static byte[] build(RecurrentSrArchitecture arch, Map<String, FloatTensor> weights,
            MotionSmoothing smoothing) {
        return builder(arch, weights, BicubicMethod.PHASE_CONV, smoothing).toByteArray();
    }

    /** Reads the weights from a safetensors file (F32, F16 or BF16) and builds the model. */
    public static byte[] build(RecurrentSrArchitecture arch, Path safetensors) throws IOException {
        Map<String, FloatTensor> weights = SafeTensors.readAll(safetensors);
        try {
            return build(arch, weights);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(safetensors + ": " + e.getMessage(), e);
        }
    }

    /**
     * The graph under construction, for callers that add to it; weights are validated first.
     *
     * @param smoothing the output's temporal smoothing, or null for none
     */
    public static OnnxGraphBuilder builder(RecurrentSrArchitecture arch, Map<String, FloatTensor> weights,
            BicubicMethod bicubic, MotionSmoothing smoothing) {
        validate(arch, weights);
        if (smoothing != null && arch.temporalGate()) {
            throw new IllegalArgumentException("motion smoothing is for networks without a temporal gate");
        }
        int s = arch.scale();
        int hc = arch.hiddenChannels();
        int imageChannels = arch.residualChannels();
        OnnxGraphBuilder g = new OnnxGraphBuilder("recurrent_sr_x" + s);
        g.docString("RecurrentSr x" + s + ": features " + arch.features() + ", layers " + arch.layers()
                + ", hidden channels " + hc);
        g.metadata(META_ARCHITECTURE, ARCHITECTURE_NAME)
                .metadata(META_SCALE, Integer.toString(s))
                .metadata(META_FEATURES, Integer.toString(arch.features()))
                .metadata(META_LAYERS, Integer.toString(arch.layers()))
                .metadata(META_HIDDEN_CHANNELS, Integer.toString(hc))
                .metadata(META_TEMPORAL_GATE, Boolean.toString(arch.temporalGate()))
                .metadata(META_MOTION_SMOOTHING, Boolean.toString(smoothing != null));
        if (arch.temporalGate() && bicubic != BicubicMethod.PHASE_CONV) {
            throw new IllegalArgumentException("a temporal gate is built on the bicubic phases; "
                    + bicubic + " is not offered for it");
        }

        String current = g.input(RecurrentSrArchitecture.INPUT_CURRENT, "N", 3, "H", "W");
        String previous = g.input(RecurrentSrArchitecture.INPUT_PREVIOUS, "N", 3, "H", "W");
        String x = hc > 0
                ? g.concat(1, current, previous, g.input(RecurrentSrArchitecture.INPUT_HIDDEN, "N", hc, "H", "W"))
                : g.concat(1, current, previous);
        for (int i = 0; i < arch.layers(); i++) {
            if (i == arch.layers() - 1 && arch.temporalGate()) {
                x = g.concat(1, x, change(g, current, previous));
            }
            String w = g.initializer(RecurrentSrArchitecture.weightName(i), weights.get(RecurrentSrArchitecture.weightName(i)));
            String b = g.initializer(RecurrentSrArchitecture.biasName(i), weights.get(RecurrentSrArchitecture.biasName(i)));
            x = g.conv3x3(x, w, b);
            if (i < arch.layers() - 1) {
                x = g.relu(x);
            }
        }
        String residualChannels = hc > 0 || arch.temporalGate()
                ? g.sliceChannels(x, 0, imageChannels)
                : x;
        String output;
        if (arch.temporalGate()) {
            output = gatedOutput(g, arch, x, current, previous, residualChannels);
        } else if (bicubic == BicubicMethod.PHASE_CONV) {
            // bicubic + residual = DepthToSpace(bicubic phases + residual channels): one shuffle.
            output = g.depthToSpace(g.add(g.bicubicPhases(current, 3, s), residualChannels), s);
        } else {
            output = g.add(g.bicubicUpscale(current, 3, s, bicubic), g.depthToSpace(residualChannels, s));
        }
        if (smoothing != null) {
            output = MotionSmoothingGraph.apply(g, smoothing, s, current, previous, output);
        }
        String sh = "H*" + s;
        String sw = "W*" + s;
        g.output(output, RecurrentSrArchitecture.OUTPUT_IMAGE, "N", 3, sh, sw);
        if (hc > 0) {
            String state = g.sliceChannels(x, imageChannels, imageChannels + hc);
            g.output(g.tanh(state), RecurrentSrArchitecture.OUTPUT_HIDDEN, "N", hc, "H", "W");
        }
        return g;
    }

    /**
     * The gate's change channel, |box3x3(luma(current) - luma(previous))| in 8-bit levels,
     * [N, 1, H, W]: one convolution whose taps are the luma weights over 9.
     */
    private static String change(OnnxGraphBuilder g, String current, String previous) {
        int box = RecurrentSrArchitecture.CHANGE_BOX;
        float[] kernel = new float[3 * box * box];
        for (int c = 0; c < 3; c++) {
            java.util.Arrays.fill(kernel, c * box * box, (c + 1) * box * box,
                    Luma.LEVELS[c] / (box * box));
        }
        String weight = g.initializer(g.fresh("change_box"), kernel, 1, 3, box, box);
        return g.abs(g.conv(g.sub(current, previous), weight, null, box, box / 2));
    }

    /**
     * The gated blend at low resolution (bicubic phases P, flag f = the state's last channel):
     * blended = r + gate * f * (residual + P(previous) - P(current) - r), residual_out =
     * concat(blended, 1), output = DepthToSpace(P(current) + blended).
     */
    private static String gatedOutput(OnnxGraphBuilder g, RecurrentSrArchitecture arch, String x, String current,
            String previous, String residual) {
        int s = arch.scale();
        int rc = arch.residualChannels();
        int gateStart = arch.firstGateChannel();
        String state = g.input(RecurrentSrArchitecture.INPUT_RESIDUAL, "N", arch.residualStateChannels(), "H", "W");
        String previousResidual = g.sliceChannels(state, 0, rc);
        String flag = g.sliceChannels(state, rc, rc + 1);
        String gate = g.mul(g.sigmoid(g.sliceChannels(x, gateStart, gateStart + arch.gateChannels())), flag);
        String gatePerColour = g.concat(1, gate, gate, gate);
        String currentBase = g.bicubicPhases(current, 3, s);
        String previousOutput = g.sub(g.add(previousResidual, g.bicubicPhases(previous, 3, s)), currentBase);
        String blended = g.add(residual, g.mul(gatePerColour, g.sub(previousOutput, residual)));
        g.output(g.concat(1, blended, g.onesLike(flag)), RecurrentSrArchitecture.OUTPUT_RESIDUAL, "N",
                arch.residualStateChannels(), "H", "W");
        return g.depthToSpace(g.add(currentBase, blended), s);
    }

    /**
     * Checks that {@code weights} holds exactly the tensors {@code arch} needs, with the right
     * shapes and finite values.
     *
     * @throws IllegalArgumentException listing every problem found
     */
    public static void validate(RecurrentSrArchitecture arch, Map<String, FloatTensor> weights) {
        List<String> problems = new ArrayList<>();
        TreeSet<String> unexpected = new TreeSet<>(weights.keySet());
        for (int i = 0; i < arch.layers(); i++) {
            long out = arch.convOut(i);
            long in = arch.convIn(i);
            check(weights, RecurrentSrArchitecture.weightName(i), new long[] {out, in, 3, 3}, problems);
            check(weights, RecurrentSrArchitecture.biasName(i), new long[] {out}, problems);
            unexpected.remove(RecurrentSrArchitecture.weightName(i));
            unexpected.remove(RecurrentSrArchitecture.biasName(i));
        }
        if (!unexpected.isEmpty()) {
            problems.add("unexpected tensors " + unexpected + " (the architecture has " + arch.layers()
                    + " convolutions, conv0 to conv" + (arch.layers() - 1) + ")");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("weights do not fit " + arch + ": " + String.join("; ", problems));
        }
    }

    private static void check(Map<String, FloatTensor> weights, String name, long[] shape, List<String> problems) {
        FloatTensor t = weights.get(name);
        if (t == null) {
            problems.add("missing tensor '" + name + "' of shape " + Arrays.toString(shape));
            return;
        }
        if (!Arrays.equals(t.shape(), shape)) {
            problems.add("tensor '" + name + "' has shape " + Arrays.toString(t.shape()) + ", expected "
                    + Arrays.toString(shape));
            return;
        }
        float[] data = t.data();
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                problems.add("tensor '" + name + "' has a non-finite value (" + data[i] + ") at flat index " + i);
                return;
            }
        }
    }
}
