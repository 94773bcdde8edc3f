package dev.flashvsr.engine.onnx.precision;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;

/** A copy of an fp32 graph that also outputs the activations INT8 quantizes, for calibration. */
public final class CalibrationGraph {
    private CalibrationGraph() {
    }

    /** The activations to calibrate, {@link LearnedTrunk#quantizedActivations()}. */
    public static List<String> activations(ModelProto fp32) {
        return LearnedTrunk.of(fp32.getGraph()).quantizedActivations();
    }

    /** {@code fp32} with every one of {@link #activations} added as an fp32 graph output. */
    public static ModelProto withActivationOutputs(ModelProto fp32) {
        GraphProto.Builder graph = fp32.getGraph().toBuilder();
        for (String tensor : activations(fp32)) {
            if (graph.getOutputList().stream().noneMatch(o -> o.getName().equals(tensor))) {
                graph.addOutput(ValueInfoProto.newBuilder().setName(tensor).setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
            }
        }
        return fp32.toBuilder().setGraph(graph).build();
    }
}
