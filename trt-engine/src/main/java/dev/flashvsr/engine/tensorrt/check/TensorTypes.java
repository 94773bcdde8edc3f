package dev.flashvsr.engine.tensorrt.check;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.Set;

/**
 * The ONNX element types TensorRT 10 computes in: FLOAT, FLOAT16 and BFLOAT16 for values, INT32
 * and INT64 for indices and shapes, BOOL for masks, UINT8 at the graph's edges. INT8 exists only
 * between a QuantizeLinear and a DequantizeLinear (or as quantized weights feeding a
 * DequantizeLinear). DOUBLE is refused here although the parser casts it down: it would clamp
 * silently, and none of our graphs should need it.
 */
final class TensorTypes {
    static final Set<Integer> COMPUTED = Set.of(DataType.FLOAT_VALUE, DataType.FLOAT16_VALUE,
            DataType.BFLOAT16_VALUE, DataType.INT32_VALUE, DataType.INT64_VALUE, DataType.BOOL_VALUE,
            DataType.UINT8_VALUE);

    private TensorTypes() {
    }

    /** Why {@code type} cannot be a tensor's type in TensorRT outside Q/DQ, or null when it can. */
    static String refusal(int type) {
        if (COMPUTED.contains(type)) {
            return null;
        }
        if (type == DataType.INT8_VALUE) {
            return "INT8 is only supported through QuantizeLinear/DequantizeLinear in TensorRT";
        }
        if (type == DataType.DOUBLE_VALUE) {
            return "DOUBLE is not computed by TensorRT (the parser would clamp it to FLOAT); use FLOAT";
        }
        return name(type) + " is not a TensorRT data type";
    }

    static String name(int type) {
        DataType known = DataType.forNumber(type);
        return known == null ? "data type " + type : known.name();
    }
}
