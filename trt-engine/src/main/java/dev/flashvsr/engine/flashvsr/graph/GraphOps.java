package dev.flashvsr.engine.flashvsr.graph;

import static dev.flashvsr.engine.onnx.OnnxGraphBuilder.floatAttr;
import static dev.flashvsr.engine.onnx.OnnxGraphBuilder.intAttr;
import static dev.flashvsr.engine.onnx.OnnxGraphBuilder.ints;
import static dev.flashvsr.engine.onnx.OnnxGraphBuilder.stringAttr;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import dev.flashvsr.engine.weights.DType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The ONNX ops of the FlashVSR graphs (LQ projector, TCDecoder, DiT, LCSA mask), on top of
 * {@link OnnxGraphBuilder}, with the graph's {@link ComputeType}: values are float32 unless a method
 * says otherwise; weights are stored in the compute type, {@link #toCompute} and {@link #toFloat}
 * cast at the float32 boundary (no node for FP32). Op outputs and the constants made here get
 * fresh names starting with the given prefix.
 */
final class GraphOps {
    /** The first opset whose Conv and Resize accept bfloat16 (ONNX 1.17). */
    static final int BF16_OPSET = 22;
    /** The IR version that goes with opset 22. */
    static final long BF16_IR_VERSION = 10;

    final OnnxGraphBuilder graph;
    final ComputeType precision;
    private final String prefix;
    private final Map<Integer, String[]> layerNormIdentity = new HashMap<>();

    GraphOps(OnnxGraphBuilder graph, ComputeType precision) {
        this(graph, precision, "");
    }

    GraphOps(OnnxGraphBuilder graph, ComputeType precision, String namePrefix) {
        this.graph = graph;
        this.precision = precision;
        this.prefix = namePrefix;
    }

    /** A node of {@code type} with one fresh output. */
    String op(String type, List<String> inputs, AttributeProto... attributes) {
        Map<String, AttributeProto> map = new LinkedHashMap<>();
        for (AttributeProto a : attributes) {
            map.put(a.getName(), a);
        }
        return graph.node(type, inputs, graph.fresh(prefix + type.toLowerCase(Locale.ROOT)), map);
    }

    // ---------------------------------------------------------------- constants

    /**
     * A weight in the compute type, named exactly {@code name} (as in the checkpoint). With external
     * weights (see {@link OnnxGraphBuilder#externalWeights}) a float32 weight stored as float32 is
     * referred to where it lies; any other is converted piece by piece.
     */
    String weight(String name, CheckedWeights.Stored tensor) {
        return weight(name, tensor, tensor.shape());
    }

    /** As {@link #weight(String, CheckedWeights.Stored)}, viewed with another shape of as many elements. */
    private String weight(String name, CheckedWeights.Stored tensor, long... shape) {
        return graph.weightInput(name, precision.onnxType(), shape,
                precision == ComputeType.FP32 ? tensor.regionAs(DType.F32) : Optional.empty(), tensor::read);
    }

    /** A constant in the compute type (DiT weights, cross-attention K/V); {@code name} is made unique. */
    String computeConstant(String name, float[] data, long... shape) {
        return graph.initializer(graph.fresh(name), precision.onnxType(), data, shape);
    }

    /** A float32 constant (for the float32 parts: normalisations); {@code name} is made unique. */
    String floatConstant(String name, float[] data, long... shape) {
        return graph.initializer(graph.fresh(name), data, shape);
    }

    /** A float32 scalar (shape []). */
    String scalar(float value) {
        return graph.initializer(graph.fresh(prefix + "scalar"), new float[] {value});
    }

    /** A float32 constant of shape [1] (broadcasts against any tensor). */
    String broadcastConstant(float value) {
        return graph.initializer(graph.fresh(prefix + "const"), new float[] {value}, 1);
    }

    String int64s(String name, long[] data, long... shape) {
        return graph.int64Tensor(graph.fresh(name), data, shape);
    }

    // ---------------------------------------------------------------- precision boundary

    /** {@code x} (float32) in the compute type; no node in FP32. */
    String toCompute(String x) {
        return precision.isReduced() ? cast(x, precision.onnxType()) : x;
    }

    /** {@code x} (compute type) in float32; no node in FP32. */
    String toFloat(String x) {
        return precision.isReduced() ? cast(x, TensorProto.DataType.FLOAT) : x;
    }

    String cast(String x, TensorProto.DataType to) {
        return op("Cast", List.of(x), intAttr("to", to.getNumber()));
    }

    // ---------------------------------------------------------------- elementwise and shape ops

    String add(String a, String b) {
        return op("Add", List.of(a, b));
    }

    String sub(String a, String b) {
        return op("Sub", List.of(a, b));
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
        return op("Relu", List.of(x));
    }

    String tanh(String x) {
        return op("Tanh", List.of(x));
    }

    /** SiLU: x * sigmoid(x). */
    String silu(String x) {
        return mul(x, op("Sigmoid", List.of(x)));
    }

    String greater(String a, String b) {
        return op("Greater", List.of(a, b));
    }

    String where(String condition, String ifTrue, String ifFalse) {
        return op("Where", List.of(condition, ifTrue, ifFalse));
    }

    String matMul(String a, String b) {
        return op("MatMul", List.of(a, b));
    }

    /** Gemm: op(a) op(b) + c with op = transpose where asked. */
    String gemm(String a, String b, String c, boolean transA, boolean transB) {
        return op("Gemm", List.of(a, b, c), intAttr("transA", transA ? 1 : 0), intAttr("transB", transB ? 1 : 0));
    }

    String softmax(String x) {
        return op("Softmax", List.of(x), intAttr("axis", -1));
    }

    String reduceMax(String x, long axis) {
        return op("ReduceMax", List.of(x), ints("axes", axis), intAttr("keepdims", 1));
    }

    String reduceSumKeepDims(String x, long axis) {
        return op("ReduceSum", List.of(x, graph.int64Initializer(graph.fresh(prefix + "axes"), axis)),
                intAttr("keepdims", 1));
    }

    String reshape(String x, long... shape) {
        return op("Reshape", List.of(x, graph.int64Initializer(graph.fresh(prefix + "shape"), shape)));
    }

    String transpose(String x, long... perm) {
        return op("Transpose", List.of(x), ints("perm", perm));
    }

    /** Elements {@code [start, end)} of {@code axis}. */
    String slice(String x, int axis, long start, long end) {
        return graph.slice(x, new long[] {start}, new long[] {end}, new long[] {axis});
    }

    String concat(int axis, String... values) {
        return values.length == 1 ? values[0] : op("Concat", List.of(values), intAttr("axis", axis));
    }

    String gather(String data, String indices, int axis) {
        return op("Gather", List.of(data, indices), intAttr("axis", axis));
    }

    /** Pad repeating edge values; {@code pads} as ONNX orders them (all begins, then all ends). */
    String padEdge(String x, long... pads) {
        return op("Pad", List.of(x, graph.int64Initializer(graph.fresh("pads"), pads)), stringAttr("mode", "edge"));
    }

    // ---------------------------------------------------------------- convolution, resampling

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

    /** Nearest-neighbour upsampling of an NCHW tensor's spatial axes by an integer factor. */
    String upsampleNearest(String x, int factor) {
        if (factor == 1) {
            return x;
        }
        String scales = graph.initializer(graph.fresh("upsample_scales"), new float[] {1, 1, factor, factor}, 4);
        return op("Resize", List.of(x, "", scales), stringAttr("mode", "nearest"),
                stringAttr("coordinate_transformation_mode", "asymmetric"), stringAttr("nearest_mode", "floor"));
    }

    // ---------------------------------------------------------------- DiT layers

    /**
     * {@code x [rows, in] @ W^T + bias}, W [out, in] as stored, bias float32; output float32. In
     * FP32 a Gemm takes W as it lies (so it can stay in its file); reduced precisions multiply by
     * a transposed copy in the compute type.
     */
    String linear(String x, String name, CheckedWeights.Linear layer) {
        return linearFromCompute(toCompute(x), name, layer);
    }

    /** As {@link #linear} for an input already in the compute type. */
    String linearFromCompute(String x, String name, CheckedWeights.Linear layer) {
        String bias = floatConstant(name + ".bias", layer.bias().data(), layer.out());
        if (precision == ComputeType.FP32) {
            return gemm(x, weight(name + ".weight", layer.weight(), layer.out(), layer.in()), bias, false, true);
        }
        String w = computeConstant(name + ".weight_t", layer.transposed(), layer.in(), layer.out());
        return add(toFloat(matMul(x, w)), bias);
    }

    /**
     * W8A8 {@code x [rows, in] @ W^T + bias} (see {@link LinearQuantization}): x (float32) through
     * QuantizeLinear/DequantizeLinear with {@code inputScale}, W as int8 [out, in] with per-channel
     * scales dequantized along axis 0, then a float32 Gemm (transB), the pattern TensorRT fuses into
     * an int8 GEMM. Only in FP32 graphs.
     */
    String quantizedLinear(String x, String name, CheckedWeights.Linear layer, float inputScale) {
        if (precision != ComputeType.FP32) {
            throw new IllegalStateException("int8 Linears are built into float32 graphs, not " + precision);
        }
        String scale = graph.initializer(graph.fresh(name + ".input_scale"), new float[] {inputScale});
        String zero = int8Zeros(name + ".input_zero_point");
        String input = op("DequantizeLinear", List.of(op("QuantizeLinear", List.of(x, scale, zero)), scale, zero));
        ChannelQuantizer quantizer = new ChannelQuantizer(layer.weight(), layer.out(), layer.in());
        String weight = graph.weightInput(name + ".weight_int8", TensorProto.DataType.INT8,
                new long[] {layer.out(), layer.in()}, Optional.empty(), quantizer);
        String weightScales = floatConstant(name + ".weight_scale", quantizer.scales(), layer.out());
        String dequantized = op("DequantizeLinear", List.of(weight, weightScales, int8Zeros(name + ".weight_zero_point",
                layer.out())), intAttr("axis", 0));
        String bias = floatConstant(name + ".bias", layer.bias().data(), layer.out());
        return gemm(input, dequantized, bias, false, true);
    }

    /** An int8 zero point: a scalar, or {@code [channels]} zeros for a per-channel scale. */
    private String int8Zeros(String name, long... shape) {
        int count = shape.length == 0 ? 1 : (int) shape[0];
        return graph.initializer(graph.fresh(name), TensorProto.DataType.INT8, new float[count], shape);
    }

    /**
     * The calibration statistics of a float32 tensor of {@code count} values: its largest |x| and
     * its 99.99th percentile (the ceil(count / 10000)-th largest |x|), both scalars.
     */
    String[] absMaxAndPercentile(String x, long count) {
        String abs = reshape(op("Abs", List.of(x)), 1, count);
        String max = op("ReduceMax", List.of(abs), intAttr("keepdims", 0));
        long k = Math.max(1, (long) Math.ceil(count * LinearQuantization.PERCENTILE_TAIL));
        List<String> top = graph.node("TopK", List.of(abs, graph.int64Initializer(graph.fresh(prefix + "k"), k)),
                List.of(graph.fresh(prefix + "topk_values"), graph.fresh(prefix + "topk_indices")),
                Map.of("axis", intAttr("axis", -1)));
        String percentile = op("ReduceMin", List.of(top.get(0)), intAttr("keepdims", 0));
        return new String[] {max, percentile};
    }

    /** LayerNormalization over the last axis (float32); {@code scale}/{@code bias} null means none (1 and 0). */
    String layerNorm(String x, int size, double eps, float[] scale, float[] bias) {
        String[] identity = layerNormIdentity.computeIfAbsent(size, n -> {
            float[] ones = new float[n];
            Arrays.fill(ones, 1f);
            return new String[] {floatConstant("layer_norm_ones", ones, n),
                floatConstant("layer_norm_zeros", new float[n], n)};
        });
        String s = scale == null ? identity[0] : floatConstant("layer_norm_scale", scale, size);
        String o = bias == null ? identity[1] : floatConstant("layer_norm_bias", bias, size);
        return op("LayerNormalization", List.of(x, s, o), intAttr("axis", -1), floatAttr("epsilon", (float) eps));
    }

    /** RMSNorm over the last axis: x * rsqrt(mean(x^2) + eps) * weight (float32). */
    String rmsNorm(String x, float[] weight, double eps) {
        String meanSquare = op("ReduceMean", List.of(mul(x, x)), ints("axes", -1), intAttr("keepdims", 1));
        String inverse = op("Reciprocal", List.of(sqrt(add(meanSquare, scalar((float) eps)))));
        return mul(mul(x, inverse), floatConstant("rms_norm_weight", weight, weight.length));
    }

    /** GELU, tanh approximation (opset 17 has no Gelu op): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    String geluTanh(String x) {
        String cube = mul(mul(x, x), x);
        String inner = mul(add(x, mul(cube, scalar(0.044715f))), scalar((float) Math.sqrt(2 / Math.PI)));
        String tanh = tanh(inner);
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
        return add(mul(x, floatConstant("one_plus_scale", onePlusScale, dim)), floatConstant("shift", shift, dim));
    }

    /** {@code x * row} for a [dim] row of a modulation table (the gates). */
    String gate(String x, float[] table, int row, int dim) {
        return mul(x, floatConstant("gate", Arrays.copyOfRange(table, row * dim, (row + 1) * dim), dim));
    }

    // ---------------------------------------------------------------- result

    /**
     * The serialized model. BF16 graphs declare opset {@value #BF16_OPSET} (IR version
     * {@value #BF16_IR_VERSION}): ONNX allows bfloat16 in Conv and Resize only from opset 22; the
     * ops used here mean the same in opsets 17 and 22.
     */
    byte[] serialize() {
        ModelProto model = graph.build();
        if (precision != ComputeType.BF16) {
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
        return Arrays.stream(shape).boxed().toArray();
    }
}
