package dev.flashvsr.engine.tensorrt.check;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which ONNX operators (default domain) TensorRT 10.15's ONNX parser imports, and the limits on
 * attributes and inputs that concern our graphs. Source: the operator matrix of onnx-tensorrt for
 * TensorRT 10.15 (docs/operators.md, opsets 9 to 24). Operators outside {@link #SUPPORTED} are
 * errors; the {@link #LIMITS} rules look at one node each.
 */
final class OperatorRules {
    /** TopK's largest K (on one of the last four axes); a larger K fails at build or run time. */
    static final long MAX_TOPK_K = 3840;

    /** Operators marked supported ("Y") in the 10.15 matrix; Q/DQ are checked by {@link QuantizationRules}. */
    static final Set<String> SUPPORTED = Set.of(
            "Abs", "Acos", "Acosh", "Add", "And", "ArgMax", "ArgMin", "Asin", "Asinh", "Atan", "Atanh", "Attention",
            "AveragePool", "BatchNormalization", "BlackmanWindow", "Cast", "CastLike", "Ceil", "Celu", "Clip",
            "Concat", "Constant", "ConstantOfShape", "Conv", "ConvTranspose", "Cos", "Cosh", "CumSum", "DeformConv",
            "DepthToSpace", "DequantizeLinear", "Div", "Dropout", "Einsum", "Elu", "Equal", "Erf", "Exp", "Expand",
            "EyeLike", "Flatten", "Floor", "Gather", "GatherElements", "GatherND", "Gelu", "Gemm",
            "GlobalAveragePool", "GlobalLpPool", "GlobalMaxPool", "Greater", "GreaterOrEqual", "GridSample",
            "GroupNormalization", "GRU", "HammingWindow", "HannWindow", "HardSigmoid", "HardSwish", "Hardmax",
            "Identity", "If", "ImageScaler", "InstanceNormalization", "IsInf", "IsNaN", "LayerNormalization",
            "LeakyRelu", "Less", "LessOrEqual", "Log", "LogSoftmax", "Loop", "LRN", "LSTM", "LpNormalization",
            "LpPool", "MatMul", "Max", "MaxPool", "Mean", "MeanVarianceNormalization", "Min", "Mish", "Mod", "Mul",
            "Neg", "NonMaxSuppression", "NonZero", "Not", "OneHot", "Or", "Pad", "ParametricSoftplus", "Pow",
            "PRelu", "QuantizeLinear", "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike",
            "Range", "Reciprocal", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax",
            "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSum", "ReduceSumSquare", "Relu", "Reshape", "Resize",
            "ReverseSequence", "RMSNormalization", "RNN", "RoiAlign", "RotaryEmbedding", "Round", "STFT",
            "ScaledTanh", "Scan", "Scatter", "ScatterElements", "ScatterND", "Selu", "Shape", "Shrink", "Sigmoid",
            "Sign", "Sin", "Sinh", "Size", "Slice", "Softmax", "Softplus", "Softsign", "SpaceToDepth", "Split",
            "Sqrt", "Squeeze", "Sub", "Sum", "Tan", "Tanh", "TensorScatter", "ThresholdedRelu", "Tile", "TopK",
            "Transpose", "Trilu", "Unsqueeze", "Upsample", "Where", "Xor");

    /** A limit on one operator's attributes or inputs. */
    @FunctionalInterface
    interface Rule {
        void check(NodeProto node, GraphConstants constants, Findings findings);
    }

    /** The limits that matter for our graphs, by operator; operators not listed have none we check. */
    static final Map<String, Rule> LIMITS = Map.ofEntries(
            Map.entry("TopK", OperatorRules::topK),
            Map.entry("Resize", OperatorRules::resize),
            Map.entry("Pad", OperatorRules::pad),
            Map.entry("GridSample", OperatorRules::gridSample),
            Map.entry("LayerNormalization", OperatorRules::singleOutput),
            Map.entry("MaxPool", OperatorRules::singleOutput),
            Map.entry("ScatterND", OperatorRules::scatterNd),
            Map.entry("CumSum", (node, constants, findings) -> constantInput(node, 1, "axis", constants, findings)),
            // Reductions take axes as input 1 from opset 18 on (ReduceSum from 13); TensorRT needs them constant.
            Map.entry("ReduceSum", OperatorRules::constantAxes),
            Map.entry("ReduceMean", OperatorRules::constantAxes),
            Map.entry("ReduceMax", OperatorRules::constantAxes));

    private OperatorRules() {
    }

    private static void topK(NodeProto node, GraphConstants constants, Findings findings) {
        if (attribute(node, "sorted").map(a -> a.getI() != 1).orElse(false)) {
            findings.error(node, "sorted=0: TensorRT's TopK returns sorted values only (sorted must be 1)");
        }
        if (node.getInputCount() < 2 || !constants.isConstant(node.getInput(1))) {
            findings.warning(node, "K is computed at run time, so the limit K <= " + MAX_TOPK_K
                    + " cannot be checked here; a larger K fails in TensorRT");
            return;
        }
        constants.tensor(node.getInput(1)).flatMap(GraphConstants::int64Values).ifPresent(k -> {
            if (k.length == 1 && k[0] > MAX_TOPK_K) {
                findings.error(node, "K = " + k[0] + " exceeds TensorRT's TopK limit of " + MAX_TOPK_K
                        + " (find the threshold without TopK, e.g. by bisection, or split the selection)");
            }
        });
    }

    private static final Set<String> RESIZE_MODES = Set.of("nearest", "linear");
    private static final Set<String> RESIZE_COORDINATES = Set.of("half_pixel", "pytorch_half_pixel",
            "tf_half_pixel_for_nn", "asymmetric", "align_corners");

    private static void resize(NodeProto node, GraphConstants constants, Findings findings) {
        String mode = stringAttribute(node, "mode", "nearest");
        if (mode.equals("cubic")) {
            // IResizeLayer has a cubic mode with cubic_coeff_a and exclude_outside, which the parser
            // maps to, but the 10.15 matrix lists only nearest and linear: confirm with a GPU parse.
            findings.warning(node, "mode=cubic: TensorRT's IResizeLayer has a cubic mode, but onnx-tensorrt's"
                    + " operator table lists only nearest and linear; confirm with a parse on a GPU");
        } else if (!RESIZE_MODES.contains(mode)) {
            findings.error(node, "mode=" + mode + " is not a TensorRT resize mode (nearest, linear)");
        }
        String coordinates = stringAttribute(node, "coordinate_transformation_mode", "half_pixel");
        if (!RESIZE_COORDINATES.contains(coordinates)) {
            findings.error(node, "coordinate_transformation_mode=" + coordinates + " is not supported by TensorRT "
                    + "(supported: " + String.join(", ", RESIZE_COORDINATES.stream().sorted().toList()) + ")");
        }
        if (attribute(node, "antialias").map(a -> a.getI() != 0).orElse(false)) {
            findings.error(node, "antialias=1: TensorRT's resize does not antialias");
        }
        if (!stringAttribute(node, "keep_aspect_ratio_policy", "stretch").equals("stretch")) {
            findings.error(node, "keep_aspect_ratio_policy must be stretch for TensorRT");
        }
    }

    private static final Set<String> PAD_MODES = Set.of("constant", "reflect", "edge", "wrap");

    private static void pad(NodeProto node, GraphConstants constants, Findings findings) {
        String mode = stringAttribute(node, "mode", "constant");
        if (!PAD_MODES.contains(mode)) {
            findings.error(node, "mode=" + mode + " is not a TensorRT padding mode (constant, reflect, edge, wrap)");
        }
    }

    private static void gridSample(NodeProto node, GraphConstants constants, Findings findings) {
        // TensorRT's IGridSampleLayer takes 4-D input only; the rank is checked from value_info where known.
        String mode = stringAttribute(node, "mode", "linear");
        if (!Set.of("linear", "bilinear", "nearest", "cubic", "bicubic").contains(mode)) {
            findings.error(node, "mode=" + mode + " is not a TensorRT grid-sample mode");
        }
    }

    private static void singleOutput(NodeProto node, GraphConstants constants, Findings findings) {
        for (int i = 1; i < node.getOutputCount(); i++) {
            if (!node.getOutput(i).isEmpty()) {
                findings.error(node, "output " + i + " ('" + node.getOutput(i) + "') is not supported by TensorRT,"
                        + " only the first output");
            }
        }
    }

    private static void scatterNd(NodeProto node, GraphConstants constants, Findings findings) {
        if (!stringAttribute(node, "reduction", "none").equals("none")) {
            findings.error(node, "reduction other than none is not supported by TensorRT's ScatterND");
        }
    }

    private static void constantAxes(NodeProto node, GraphConstants constants, Findings findings) {
        constantInput(node, 1, "axes", constants, findings);
    }

    private static void constantInput(NodeProto node, int input, String what, GraphConstants constants,
            Findings findings) {
        if (node.getInputCount() > input && !node.getInput(input).isEmpty()
                && !constants.isConstant(node.getInput(input))) {
            findings.error(node, "'" + what + "' must be a build-time constant (an initializer) for TensorRT");
        }
    }

    static Optional<AttributeProto> attribute(NodeProto node, String name) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst();
    }

    static String stringAttribute(NodeProto node, String name, String otherwise) {
        return attribute(node, name).map(a -> a.getS().toStringUtf8()).orElse(otherwise);
    }
}
