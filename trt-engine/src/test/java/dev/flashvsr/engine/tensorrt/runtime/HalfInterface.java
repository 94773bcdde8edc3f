package dev.flashvsr.engine.tensorrt.runtime;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A graph's inputs and outputs turned to float16 by Casts at its edges: the shipped fp16 variants
 * compute in half but keep float32 I/O, and the TensorRT path feeds half tensors to engines whose
 * graphs take them.
 */
final class HalfInterface {
    private static final String FLOAT_SUFFIX = "__f32";

    private HalfInterface() {
    }

    /** Writes {@code source} with half inputs and outputs to {@code target}. */
    static void write(Path source, Path target) throws IOException {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(source));
        GraphProto graph = model.getGraph();
        GraphProto.Builder half = graph.toBuilder().clearNode().clearInput().clearOutput();
        for (ValueInfoProto input : graph.getInputList()) {
            half.addInput(asHalf(input));
            half.addNode(cast(input.getName(), input.getName() + FLOAT_SUFFIX, TensorProto.DataType.FLOAT));
        }
        for (NodeProto node : graph.getNodeList()) {
            NodeProto.Builder renamed = node.toBuilder();
            for (int i = 0; i < node.getInputCount(); i++) {
                // graph outputs other nodes also read are renamed too: their float copy is what those nodes expect
                if (isInput(graph, node.getInput(i)) || isOutput(graph, node.getInput(i))) {
                    renamed.setInput(i, node.getInput(i) + FLOAT_SUFFIX);
                }
            }
            for (int i = 0; i < node.getOutputCount(); i++) {
                if (isOutput(graph, node.getOutput(i))) {
                    renamed.setOutput(i, node.getOutput(i) + FLOAT_SUFFIX);
                }
            }
            half.addNode(renamed);
        }
        for (ValueInfoProto output : graph.getOutputList()) {
            half.addOutput(asHalf(output));
            half.addNode(cast(output.getName() + FLOAT_SUFFIX, output.getName(), TensorProto.DataType.FLOAT16));
        }
        Files.write(target, model.toBuilder().setGraph(half).build().toByteArray());
    }

    private static boolean isInput(GraphProto graph, String name) {
        return graph.getInputList().stream().anyMatch(v -> v.getName().equals(name));
    }

    private static boolean isOutput(GraphProto graph, String name) {
        return graph.getOutputList().stream().anyMatch(v -> v.getName().equals(name));
    }

    private static ValueInfoProto asHalf(ValueInfoProto value) {
        ValueInfoProto.Builder half = value.toBuilder();
        half.getTypeBuilder().getTensorTypeBuilder().setElemType(TensorProto.DataType.FLOAT16_VALUE);
        return half.build();
    }

    private static NodeProto cast(String in, String out, TensorProto.DataType to) {
        return NodeProto.newBuilder().setOpType("Cast").setName("half_interface_" + out).addInput(in).addOutput(out)
                .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
                        .setI(to.getNumber()))
                .build();
    }
}
