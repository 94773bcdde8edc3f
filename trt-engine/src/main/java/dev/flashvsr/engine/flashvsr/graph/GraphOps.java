package dev.flashvsr.engine.flashvsr.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import dev.flashvsr.engine.weights.FloatTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ONNX ops the FlashVSR step graphs need, on top of {@link OnnxGraphBuilder}, with the
 * graph's {@link Precision}: weights are stored in the compute type, {@link #toCompute} and
 * {@link #toFloat} cast at the float32 boundary (no-ops for FP32).
 */
final class GraphOps {
    /** The first opset whose Conv and Resize accept bfloat16 (ONNX 1.17). */
    static final int BF16_OPSET = 22;
    /** The IR version that goes with opset 22. */
    static final long BF16_IR_VERSION = 10;

    final OnnxGraphBuilder graph;
    final Precision precision;

    GraphOps(OnnxGraphBuilder graph, Precision precision) {
        this.graph = graph;
        this.precision = precision;
    }

    // ---------------------------------------------------------------- constants

    /** A weight in the compute type, named as in the checkpoint. */
    String weight(String name, FloatTensor tensor) {
        return graph.rawInitializer(name, precision.onnxType(), precision.encode(tensor.data()), tensor.shape());
    }

    /** A float32 constant (for the float32 parts: normalisations). */
    String floatConstant(String name, float[] data, long... shape) {
        return graph.initializer(graph.fresh(name), data, shape);
    }

    // ---------------------------------------------------------------- precision boundary

    String toCompute(String x) {
        return precision.isReduced() ? cast(x, precision.onnxType()) : x;
    }

    String toFloat(String x) {
        return precision.isReduced() ? cast(x, TensorProto.DataType.FLOAT) : x;
    }

    String cast(String x, TensorProto.DataType to) {
        return op("Cast", List.of(x), intAttr("to", to.getNumber()));
    }

    // ---------------------------------------------------------------- ops

    /** Convolution of any rank without padding; {@code bias} may be null. */
    String conv(String x, String weight, String bias, long[] kernel, long[] strides) {
        List<String> in = bias == null ? List.of(x, weight) : List.of(x, weight, bias);
        return op("Conv", in, ints("kernel_shape", kernel), ints("strides", strides),
                ints("pads", new long[2 * kernel.length]), intAttr("group", 1));
    }

    /** 2-D convolution, k x k kernel, stride 1, zero padding k / 2 on every side. */
    String convSame2d(String x, String weight, String bias, int k) {
        List<String> in = bias == null ? List.of(x, weight) : List.of(x, weight, bias);
        int p = k / 2;
        return op("Conv", in, ints("kernel_shape", k, k), ints("strides", 1, 1), ints("pads", p, p, p, p),
                intAttr("group", 1));
    }

    /** Pad repeating edge values; {@code pads} as ONNX orders them (all begins, then all ends). */
    String padEdge(String x, long... pads) {
        return op("Pad", List.of(x, graph.int64Initializer(graph.fresh("pads"), pads)), stringAttr("mode", "edge"));
    }

    String reshape(String x, long... shape) {
        return op("Reshape", List.of(x, graph.int64Initializer(graph.fresh("shape"), shape)));
    }

    String transpose(String x, long... perm) {
        return op("Transpose", List.of(x), ints("perm", perm));
    }

    /** Elements {@code [start, end)} of {@code axis}. */
    String slice(String x, int axis, long start, long end) {
        return graph.slice(x, new long[] {start}, new long[] {end}, new long[] {axis});
    }

    String concat(int axis, String... values) {
        return values.length == 1 ? values[0] : graph.concat(axis, values);
    }

    String add(String a, String b) {
        return graph.add(a, b);
    }

    String mul(String a, String b) {
        return op("Mul", List.of(a, b));
    }

    String div(String a, String b) {
        return op("Div", List.of(a, b));
    }

    String max(String a, String b) {
        return op("Max", List.of(a, b));
    }

    String sqrt(String x) {
        return op("Sqrt", List.of(x));
    }

    String relu(String x) {
        return graph.relu(x);
    }

    String tanh(String x) {
        return graph.tanh(x);
    }

    /** SiLU: x * sigmoid(x). */
    String silu(String x) {
        return mul(x, op("Sigmoid", List.of(x)));
    }

    String reduceSumKeepDims(String x, long axis) {
        return op("ReduceSum", List.of(x, graph.int64Initializer(graph.fresh("axes"), axis)), intAttr("keepdims", 1));
    }

    /** Gemm: op(a) op(b) + c with op = transpose where asked. */
    String gemm(String a, String b, String c, boolean transA, boolean transB) {
        return op("Gemm", List.of(a, b, c), intAttr("transA", transA ? 1 : 0), intAttr("transB", transB ? 1 : 0));
    }

    /** Nearest-neighbour upsampling of an NCHW tensor's spatial axes by an integer factor. */
    String upsampleNearest(String x, int factor) {
        if (factor == 1) {
            return x;
        }
        String scales = graph.initializer(graph.fresh("upsample_scales"), new float[] {1, 1, factor, factor}, 4);
        return op("Resize", List.of(x, "", scales), stringAttr("mode", "nearest"),
                stringAttr("coordinate_transformation_mode", "asymmetric"), stringAttr("nearest_mode", "floor"));
    }

    // ---------------------------------------------------------------- result

    /**
     * The serialized model. BF16 graphs declare opset {@value #BF16_OPSET} (IR version
     * {@value #BF16_IR_VERSION}): ONNX allows bfloat16 in Conv and Resize only from opset 22; the
     * ops used here mean the same in opsets 17 and 22.
     */
    byte[] serialize() {
        ModelProto model = graph.build();
        if (precision != Precision.BF16) {
            return model.toByteArray();
        }
        return model.toBuilder().setIrVersion(BF16_IR_VERSION)
                .setOpsetImport(0, OperatorSetIdProto.newBuilder().setDomain("").setVersion(BF16_OPSET))
                .build().toByteArray();
    }

    // ---------------------------------------------------------------- plumbing

    static long[] longs(List<Integer> values) {
        return values.stream().mapToLong(Integer::longValue).toArray();
    }

    /** A shape as the dimension objects {@link OnnxGraphBuilder#input} takes. */
    static Object[] boxed(long[] shape) {
        return java.util.Arrays.stream(shape).boxed().toArray();
    }

    private String op(String opType, List<String> inputs, AttributeProto... attributes) {
        Map<String, AttributeProto> map = new LinkedHashMap<>();
        for (AttributeProto a : attributes) {
            map.put(a.getName(), a);
        }
        return graph.node(opType, inputs, graph.fresh(opType.toLowerCase(java.util.Locale.ROOT)), map);
    }

    private static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static AttributeProto stringAttr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }
}
