package dev.flashvsr.engine.onnx.precision;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The INT8 variant of an fp32 graph, with explicit QuantizeLinear / DequantizeLinear placed as
 * TensorRT's explicit quantization expects: every learned convolution ({@link LearnedTrunk}) gets
 * its weight as an INT8 initializer with one scale per output channel (axis 0) and a
 * DequantizeLinear, and its data input a per-tensor Q/DQ pair; the trunk's branch of each skip
 * Add gets a pair too, so TensorRT can fuse the Add into the convolution. Zero points are INT8 0
 * (symmetric). Biases, the bicubic base, recurrent state, motion smoothing and the outputs stay
 * fp32: TensorRT quantizes biases itself, and the rest carries the image or the stream's memory.
 */
public final class Int8Quantization {
    /** Largest magnitude of a symmetric INT8 value; -128 is left unused so the range is symmetric. */
    public static final int QMAX = 127;
    static final String ZERO_POINT = "int8_zero_point";

    private Int8Quantization() {
    }

    /**
     * The quantized model.
     *
     * @param activationScales the scale of every tensor {@link LearnedTrunk#quantizedActivations()}
     *     names (real value of one INT8 step)
     * @throws IllegalArgumentException for a missing, non-positive, NaN or infinite scale, or a
     *     graph {@link LearnedTrunk#of} refuses
     */
    public static ModelProto quantize(ModelProto fp32, Map<String, Float> activationScales) {
        GraphProto graph = fp32.getGraph();
        LearnedTrunk trunk = LearnedTrunk.of(graph);
        List<String> activations = trunk.quantizedActivations();
        checkScales(activations, activationScales);
        Set<String> residualBranches = new HashSet<>(trunk.residualBranches());
        Set<String> convolutions = new HashSet<>();
        trunk.convolutions().forEach(c -> convolutions.add(c.getName()));

        GraphProto.Builder out = graph.toBuilder().clearNode();
        out.addInitializer(Tensors.int8Tensor(ZERO_POINT, new long[0], new byte[1]));
        Set<String> quantized = new HashSet<>();
        Set<String> quantizedWeights = new HashSet<>();
        for (NodeProto node : graph.getNodeList()) {
            NodeProto.Builder rewired = node.toBuilder();
            for (int i = 0; i < node.getInputCount(); i++) {
                String input = node.getInput(i);
                boolean convData = convolutions.contains(node.getName()) && i == 0;
                boolean residual = node.getOpType().equals("Add") && residualBranches.contains(input);
                if (convData || residual) {
                    if (quantized.add(input)) {
                        addActivationQdq(out, input, activationScales.get(input));
                    }
                    rewired.setInput(i, dequantized(input));
                } else if (convolutions.contains(node.getName()) && i == 1) {
                    HalfPrecision.requireOnlyTrunkConsumers(trunk, input);
                    if (quantizedWeights.add(input)) {
                        addWeightDq(out, trunk.initializer(input));
                    }
                    rewired.setInput(i, dequantized(input));
                }
            }
            out.addNode(rewired);
        }
        // the fp32 weights are replaced by their INT8 copies
        List<TensorProto> kept = out.getInitializerList().stream()
                .filter(t -> !quantizedWeights.contains(t.getName())).toList();
        out.clearInitializer().addAllInitializer(kept);
        return HalfPrecision.withPrecision(fp32.toBuilder().setGraph(out), "int8").build();
    }

    private static void checkScales(List<String> activations, Map<String, Float> scales) {
        Set<String> problems = new TreeSet<>();
        for (String tensor : activations) {
            Float scale = scales.get(tensor);
            if (scale == null) {
                problems.add("no scale for activation '" + tensor + "'");
            } else if (!(scale > 0) || Float.isInfinite(scale)) {
                problems.add("scale of activation '" + tensor + "' is " + scale + ", not a positive finite number");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private static String dequantized(String tensor) {
        return tensor + "_dequantized";
    }

    private static void addActivationQdq(GraphProto.Builder out, String tensor, float scale) {
        String scaleName = tensor + "_scale";
        String q = tensor + "_quantized";
        out.addInitializer(Tensors.floatTensor(scaleName, new long[0], new float[] {scale}));
        out.addNode(NodeProto.newBuilder().setOpType("QuantizeLinear").setName("QuantizeLinear_" + tensor)
                .addInput(tensor).addInput(scaleName).addInput(ZERO_POINT).addOutput(q));
        out.addNode(NodeProto.newBuilder().setOpType("DequantizeLinear").setName("DequantizeLinear_" + tensor)
                .addInput(q).addInput(scaleName).addInput(ZERO_POINT).addOutput(dequantized(tensor)));
    }

    /** Symmetric per-output-channel quantization of a weight [C_out, ...]. */
    private static void addWeightDq(GraphProto.Builder out, TensorProto weight) {
        String name = weight.getName();
        long[] dims = Tensors.dims(weight);
        float[] values = Tensors.floats(weight);
        int channels = (int) dims[0];
        int perChannel = values.length / channels;
        float[] scales = new float[channels];
        byte[] q = new byte[values.length];
        for (int c = 0; c < channels; c++) {
            float max = 0;
            for (int i = c * perChannel; i < (c + 1) * perChannel; i++) {
                max = Math.max(max, Math.abs(values[i]));
            }
            // an all-zero channel quantizes to zeros with any scale; 1 keeps the scale positive
            scales[c] = max > 0 ? max / QMAX : 1f;
            for (int i = c * perChannel; i < (c + 1) * perChannel; i++) {
                q[i] = (byte) Math.max(-QMAX, Math.min(QMAX, Math.round(values[i] / scales[c])));
            }
        }
        String scaleName = name + "_scale";
        String zeroPoint = name + "_zero_point";
        out.addInitializer(Tensors.int8Tensor(name + "_quantized", dims, q));
        out.addInitializer(Tensors.floatTensor(scaleName, new long[] {channels}, scales));
        out.addInitializer(Tensors.int8Tensor(zeroPoint, new long[] {channels}, new byte[channels]));
        out.addNode(NodeProto.newBuilder().setOpType("DequantizeLinear").setName("DequantizeLinear_" + name)
                .addInput(name + "_quantized").addInput(scaleName).addInput(zeroPoint).addOutput(dequantized(name))
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                        .setI(0)));
    }
}
