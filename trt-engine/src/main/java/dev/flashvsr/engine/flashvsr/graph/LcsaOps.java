package dev.flashvsr.engine.flashvsr.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The few standard ONNX ops the LCSA subgraph needs, as one-line calls on a builder. */
final class LcsaOps {
    private final OnnxGraphBuilder b;

    LcsaOps(OnnxGraphBuilder b) {
        this.b = b;
    }

    OnnxGraphBuilder builder() {
        return b;
    }

    String op(String type, List<String> inputs, AttributeProto... attributes) {
        Map<String, AttributeProto> map = new LinkedHashMap<>();
        for (AttributeProto a : attributes) {
            map.put(a.getName(), a);
        }
        return b.node(type, inputs, b.fresh("lcsa_" + type.toLowerCase(Locale.ROOT)), map);
    }

    /** A float constant of shape [1] (broadcasts against any tensor). */
    String scalar(float value) {
        return b.initializer(b.fresh("lcsa_const"), new float[] {value}, 1);
    }

    String reshape(String x, long... shape) {
        return op("Reshape", List.of(x, b.int64Initializer(b.fresh("lcsa_shape"), shape)));
    }

    String add(String x, String y) {
        return op("Add", List.of(x, y));
    }

    String mul(String x, String y) {
        return op("Mul", List.of(x, y));
    }

    String greater(String x, String y) {
        return op("Greater", List.of(x, y));
    }

    String where(String condition, String ifTrue, String ifFalse) {
        return op("Where", List.of(condition, ifTrue, ifFalse));
    }

    String cast(String x, TensorProto.DataType to) {
        return op("Cast", List.of(x), intAttribute("to", to.getNumber()));
    }

    String gather(String table, String indices) {
        return op("Gather", List.of(table, indices), intAttribute("axis", 0));
    }

    /** Sum over the last axis, keeping it (size 1). */
    String sumLastAxis(String x) {
        return op("ReduceSum", List.of(x, b.int64Initializer(b.fresh("lcsa_axes"), -1)), intAttribute("keepdims", 1));
    }

    static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto intsAttribute(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }
}
