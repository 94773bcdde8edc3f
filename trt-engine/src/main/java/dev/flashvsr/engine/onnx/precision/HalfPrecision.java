package dev.flashvsr.engine.onnx.precision;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The FP16 variant of an fp32 graph: the {@link LearnedTrunk} (learned convolutions and their
 * Relu) runs with fp16 weights and activations; everything else stays fp32, joined by explicit
 * Casts. What stays fp32, and why:
 * <ul>
 * <li>graph inputs, outputs and recurrent state: frames at the edges are fp32, and state rounded to
 *     fp16 on every frame would drift over a stream;
 * <li>the bicubic base and the residual add: they carry the whole image (values up to 1), where
 *     fp16's step of 2^-11 is an eighth of an 8-bit level, while the residual the trunk adds is
 *     small, so its fp16 rounding is far below that;
 * <li>motion smoothing: it divides by structure-tensor determinants and computes sampling
 *     coordinates in pixels, which fp16 cannot hold to a pixel's fraction beyond 1024.
 * </ul>
 * A transform from model to model, so it applies to any package's fp32 graph whose learned
 * convolutions are named as {@link LearnedTrunk} expects.
 */
public final class HalfPrecision {
    /** Metadata key naming the precision variant. */
    public static final String META_PRECISION = "flashvsr.precision";
    static final String FP16_SUFFIX = "_fp16";

    private HalfPrecision() {
    }

    /**
     * The converted model.
     *
     * @throws IllegalArgumentException when the graph has no learned convolution, an initializer
     *     of the trunk is not fp32 or is shared with nodes outside the trunk
     */
    public static ModelProto convert(ModelProto fp32) {
        GraphProto graph = fp32.getGraph();
        LearnedTrunk trunk = LearnedTrunk.of(graph);
        GraphProto.Builder out = graph.toBuilder().clearNode().clearInitializer();
        Set<String> halfInitializers = new HashSet<>();
        Set<String> castIn = new HashSet<>();
        for (NodeProto node : graph.getNodeList()) {
            if (!trunk.contains(node)) {
                out.addNode(node);
                continue;
            }
            NodeProto.Builder half = node.toBuilder();
            for (int i = 0; i < node.getInputCount(); i++) {
                String input = node.getInput(i);
                if (input.isEmpty()) {
                    continue;
                }
                if (trunk.initializer(input) != null) {
                    requireOnlyTrunkConsumers(trunk, input);
                    halfInitializers.add(input);
                } else if (trunk.contains(trunk.producer(input))) {
                    half.setInput(i, input + FP16_SUFFIX);
                } else {
                    if (castIn.add(input)) {
                        out.addNode(Tensors.cast(input, input + FP16_SUFFIX, TensorProto.DataType.FLOAT16));
                    }
                    half.setInput(i, input + FP16_SUFFIX);
                }
            }
            for (int i = 0; i < node.getOutputCount(); i++) {
                half.setOutput(i, node.getOutput(i) + FP16_SUFFIX);
            }
            out.addNode(half);
            for (String output : node.getOutputList()) {
                boolean leavesTrunk = trunk.isGraphOutput(output)
                        || trunk.consumers(output).stream().anyMatch(c -> !trunk.contains(c));
                if (leavesTrunk) {
                    out.addNode(Tensors.cast(output + FP16_SUFFIX, output, TensorProto.DataType.FLOAT));
                }
            }
        }
        for (TensorProto t : graph.getInitializerList()) {
            out.addInitializer(halfInitializers.contains(t.getName())
                    ? Tensors.halfTensor(t.getName(), Tensors.dims(t), Tensors.floats(t))
                    : t);
        }
        return withPrecision(fp32.toBuilder().setGraph(out), "fp16").build();
    }

    static void requireOnlyTrunkConsumers(LearnedTrunk trunk, String initializer) {
        List<NodeProto> outside = trunk.consumers(initializer).stream().filter(c -> !trunk.contains(c)).toList();
        if (!outside.isEmpty()) {
            throw new IllegalArgumentException("initializer '" + initializer + "' of a learned convolution is also"
                    + " used by " + outside.get(0).getName() + " (" + outside.get(0).getOpType() + "), outside the"
                    + " convolution trunk; it cannot change precision for one and not the other");
        }
    }

    /** Records the variant in metadata_props ({@code flashvsr.precision}), replacing an earlier entry. */
    static ModelProto.Builder withPrecision(ModelProto.Builder model, String precision) {
        List<StringStringEntryProto> kept = model.getMetadataPropsList().stream()
                .filter(e -> !e.getKey().equals(META_PRECISION)).toList();
        return model.clearMetadataProps().addAllMetadataProps(kept).addMetadataProps(
                StringStringEntryProto.newBuilder().setKey(META_PRECISION).setValue(precision));
    }
}
