package dev.flashvsr.engine.flashvsr.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ONNX ops the DiT graphs use, over an {@link OnnxGraphBuilder}, with the precision rule of
 * {@link DitPrecision}: values are float32 unless a method says otherwise; {@link #linear} casts
 * its input to the compute type, multiplies by a weight stored in that type and returns float32.
 */
final class DitOps {
    final OnnxGraphBuilder b;
    final DitPrecision precision;
    private final Map<Integer, String[]> layerNormIdentity = new HashMap<>();

    DitOps(OnnxGraphBuilder b, DitPrecision precision) {
        this.b = b;
        this.precision = precision;
    }

    String op(String type, List<String> inputs, AttributeProto... attributes) {
        Map<String, AttributeProto> map = new LinkedHashMap<>();
        for (AttributeProto a : attributes) {
            map.put(a.getName(), a);
        }
        return b.node(type, inputs, b.fresh(type.toLowerCase(Locale.ROOT)), map);
    }

    // ------------------------------------------------------------ constants

    /** A float32 constant; {@code name} is made unique. */
    String floats(String name, float[] data, long... shape) {
        return b.initializer(b.fresh(name), data, shape);
    }

    /** A constant stored in the compute type (weights, cross-attention K/V). */
    String weight(String name, float[] data, long... shape) {
        return b.initializer(b.fresh(name), precision.type(), data, shape);
    }

    String scalar(float value) {
        return b.initializer(b.fresh("scalar"), new float[] {value});
    }

    String int64s(String name, long[] data, long... shape) {
        return b.int64Tensor(b.fresh(name), data, shape);
    }

    // ------------------------------------------------------------ elementwise and shape ops

    String add(String x, String y) {
        return op("Add", List.of(x, y));
    }

    String sub(String x, String y) {
        return op("Sub", List.of(x, y));
    }

    String mul(String x, String y) {
        return op("Mul", List.of(x, y));
    }

    String matMul(String x, String y) {
        return op("MatMul", List.of(x, y));
    }

    String reshape(String x, long... shape) {
        return op("Reshape", List.of(x, int64s("shape", shape, shape.length)));
    }

    String transpose(String x, long... perm) {
        return op("Transpose", List.of(x), ints("perm", perm));
    }

    String concat(int axis, String... values) {
        return b.concat(axis, values);
    }

    /** Elements {@code start} (inclusive) to {@code end} (exclusive) of {@code axis}. */
    String slice(String x, int axis, long start, long end) {
        return b.slice(x, new long[] {start}, new long[] {end}, new long[] {axis});
    }

    String gather(String data, String indices, int axis) {
        return op("Gather", List.of(data, indices), intAttr("axis", axis));
    }

    String where(String condition, String ifTrue, String ifFalse) {
        return op("Where", List.of(condition, ifTrue, ifFalse));
    }

    String reduceMax(String x, long axis) {
        return op("ReduceMax", List.of(x), ints("axes", axis), intAttr("keepdims", 1));
    }

    String softmax(String x) {
        return op("Softmax", List.of(x), intAttr("axis", -1));
    }

    String cast(String x, TensorProto.DataType to) {
        return op("Cast", List.of(x), intAttr("to", to.getNumber()));
    }

    /** {@code x} (float32) in the compute type; no node in FP32. */
    String toCompute(String x) {
        return precision == DitPrecision.FP32 ? x : cast(x, precision.type());
    }

    /** {@code x} (compute type) in float32; no node in FP32. */
    String toFloat(String x) {
        return precision == DitPrecision.FP32 ? x : cast(x, TensorProto.DataType.FLOAT);
    }

    // ------------------------------------------------------------ layers

    /** {@code x [rows, in] @ W + bias}: W [in, out] in the compute type, bias float32; output float32. */
    String linear(String x, String name, DitWeights.Linear layer) {
        return linearFromCompute(toCompute(x), name, layer);
    }

    /** As {@link #linear} for an input already in the compute type. */
    String linearFromCompute(String x, String name, DitWeights.Linear layer) {
        String w = weight(name + ".weight_t", layer.transposed(), layer.in(), layer.out());
        return add(toFloat(matMul(x, w)), floats(name + ".bias", layer.bias(), layer.out()));
    }

    /** LayerNormalization over the last axis (float32); {@code scale}/{@code bias} null means none (1 and 0). */
    String layerNorm(String x, int size, double eps, float[] scale, float[] bias) {
        String[] identity = layerNormIdentity.computeIfAbsent(size, n -> {
            float[] ones = new float[n];
            java.util.Arrays.fill(ones, 1f);
            return new String[] {floats("layer_norm_ones", ones, n), floats("layer_norm_zeros", new float[n], n)};
        });
        String s = scale == null ? identity[0] : floats("layer_norm_scale", scale, size);
        String o = bias == null ? identity[1] : floats("layer_norm_bias", bias, size);
        return op("LayerNormalization", List.of(x, s, o), intAttr("axis", -1), floatAttr("epsilon", (float) eps));
    }

    /** RMSNorm over the last axis: x * rsqrt(mean(x^2) + eps) * weight (float32). */
    String rmsNorm(String x, float[] weight, double eps) {
        String meanSquare = op("ReduceMean", List.of(mul(x, x)), ints("axes", -1), intAttr("keepdims", 1));
        String inverse = op("Reciprocal", List.of(op("Sqrt", List.of(add(meanSquare, scalar((float) eps))))));
        return mul(mul(x, inverse), floats("rms_norm_weight", weight, weight.length));
    }

    /** GELU, tanh approximation (opset 17 has no Gelu op): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    String geluTanh(String x) {
        String cube = mul(mul(x, x), x);
        String inner = mul(add(x, mul(cube, scalar(0.044715f))), scalar((float) Math.sqrt(2 / Math.PI)));
        String tanh = op("Tanh", List.of(inner));
        return mul(mul(x, scalar(0.5f)), add(tanh, scalar(1f)));
    }

    /** {@code x * (1 + scale) + shift} with [dim] constants (adaptive LayerNorm modulation). */
    String modulate(String x, float[] table, int shiftRow, int scaleRow, int dim) {
        float[] onePlusScale = new float[dim];
        float[] shift = new float[dim];
        for (int i = 0; i < dim; i++) {
            onePlusScale[i] = 1 + table[scaleRow * dim + i];
            shift[i] = table[shiftRow * dim + i];
        }
        return add(mul(x, floats("one_plus_scale", onePlusScale, dim)), floats("shift", shift, dim));
    }

    /** {@code x * row} for a [dim] row of a modulation table (the gates). */
    String gate(String x, float[] table, int row, int dim) {
        return mul(x, floats("gate", java.util.Arrays.copyOfRange(table, row * dim, (row + 1) * dim), dim));
    }

    // ------------------------------------------------------------ attributes

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }
}
