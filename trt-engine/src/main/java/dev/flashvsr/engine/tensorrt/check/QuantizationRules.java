package dev.flashvsr.engine.tensorrt.check;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Optional;

/**
 * TensorRT's explicit INT8 quantization: QuantizeLinear / DequantizeLinear pairs with constant,
 * positive, finite scales, either one per tensor (a scalar) or one per channel along axis 0 (a
 * 1-D tensor: the output channels of a weight), and an INT8 zero point of 0 (symmetric). Without
 * a zero point ONNX quantizes to UINT8, which TensorRT does not compute in.
 */
final class QuantizationRules {
    private QuantizationRules() {
    }

    static boolean isQdq(String opType) {
        return opType.equals("QuantizeLinear") || opType.equals("DequantizeLinear");
    }

    static void check(NodeProto node, GraphConstants constants, Findings findings) {
        if (node.getInputCount() < 2) {
            findings.error(node, "has no scale input");
            return;
        }
        checkScale(node, constants, findings);
        checkZeroPoint(node, constants, findings);
        if (OperatorRules.attribute(node, "block_size").map(a -> a.getI() != 0).orElse(false)) {
            findings.error(node, "block quantization (block_size) is for INT4 weights in TensorRT, not INT8");
        }
    }

    private static void checkScale(NodeProto node, GraphConstants constants, Findings findings) {
        Optional<TensorProto> scale = constants.tensor(node.getInput(1));
        if (scale.isEmpty()) {
            findings.error(node, "scale '" + node.getInput(1) + "' is computed at run time; TensorRT needs a"
                    + " constant scale (an initializer)");
            return;
        }
        int rank = scale.get().getDimsCount();
        if (rank > 1) {
            findings.error(node, "scale has rank " + rank + "; TensorRT takes a per-tensor (scalar) or"
                    + " per-channel (1-D) scale");
        } else if (rank == 1 && GraphConstants.elementCount(scale.get()) > 1) {
            long axis = OperatorRules.attribute(node, "axis").map(a -> a.getI()).orElse(1L);
            if (axis != 0) {
                findings.error(node, "per-channel scale on axis " + axis + "; TensorRT's INT8 weights are"
                        + " quantized per output channel, axis 0");
            }
        }
        GraphConstants.floatValues(scale.get()).ifPresent(values -> {
            for (float v : values) {
                if (!(v > 0) || Float.isInfinite(v)) {
                    findings.error(node, "scale value " + v + " is not a positive finite number");
                    return;
                }
            }
        });
    }

    private static void checkZeroPoint(NodeProto node, GraphConstants constants, Findings findings) {
        boolean quantize = node.getOpType().equals("QuantizeLinear");
        if (node.getInputCount() < 3 || node.getInput(2).isEmpty()) {
            if (quantize) {
                findings.error(node, "no zero point: ONNX then quantizes to UINT8; TensorRT needs an INT8 zero"
                        + " point of 0");
            }
            return;
        }
        Optional<TensorProto> zeroPoint = constants.tensor(node.getInput(2));
        if (zeroPoint.isEmpty()) {
            findings.error(node, "zero point '" + node.getInput(2) + "' is computed at run time; TensorRT needs"
                    + " a constant 0");
        } else if (zeroPoint.get().getDataType() != TensorProto.DataType.INT8_VALUE) {
            findings.error(node, "zero point is " + TensorTypes.name(zeroPoint.get().getDataType())
                    + "; TensorRT's INT8 quantization needs an INT8 zero point");
        } else if (!GraphConstants.allZero(zeroPoint.get())) {
            findings.error(node, "zero point is not 0: TensorRT supports symmetric quantization only");
        }
    }
}
