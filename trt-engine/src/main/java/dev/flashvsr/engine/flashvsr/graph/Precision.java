package dev.flashvsr.engine.flashvsr.graph;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The element type a FlashVSR graph stores its weights in and computes with. Graph inputs,
 * outputs and streaming state are always float32: a reduced-precision graph casts at its
 * boundary (and around normalisations, which stay float32). TensorRT 11 is strongly typed and
 * takes its precision from exactly these types.
 */
public enum Precision {
    FP32(TensorProto.DataType.FLOAT, 4),
    FP16(TensorProto.DataType.FLOAT16, 2),
    BF16(TensorProto.DataType.BFLOAT16, 2);

    private final TensorProto.DataType onnxType;
    private final int bytesPerElement;

    Precision(TensorProto.DataType onnxType, int bytesPerElement) {
        this.onnxType = onnxType;
        this.bytesPerElement = bytesPerElement;
    }

    /** The ONNX element type of weights and activations. */
    public TensorProto.DataType onnxType() {
        return onnxType;
    }

    /** Whether the graph computes in a type other than its float32 boundary. */
    public boolean isReduced() {
        return this != FP32;
    }

    /** {@code values} in this type, little-endian, rounded to nearest even. */
    public ByteBuffer encode(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(bytesPerElement * values.length).order(ByteOrder.LITTLE_ENDIAN);
        switch (this) {
            case FP32 -> bytes.asFloatBuffer().put(values);
            case FP16 -> {
                for (float v : values) {
                    bytes.putShort(toFloat16(v));
                }
            }
            case BF16 -> {
                for (float v : values) {
                    bytes.putShort(toBfloat16(v));
                }
            }
        }
        return bytes.rewind();
    }

    /** IEEE binary16, round to nearest even; beyond the largest half (65504) becomes infinity. */
    static short toFloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int magnitude = bits & 0x7fffffff;
        if (magnitude > 0x7f800000) {
            return (short) (sign | 0x7e00); // NaN stays a (quiet) NaN
        }
        if (magnitude >= 0x477ff000) {
            return (short) (sign | 0x7c00); // 65520 and above round to infinity
        }
        if (magnitude < 0x38800000) {
            // Below 2^-14: a subnormal half, mantissa = value / 2^-24 rounded (exact in double).
            return (short) (sign | (int) Math.rint(Float.intBitsToFloat(magnitude) * 0x1p24));
        }
        int half = ((((magnitude >>> 23) - 112) << 10) | ((magnitude >>> 13) & 0x3ff));
        int dropped = magnitude & 0x1fff;
        if (dropped > 0x1000 || (dropped == 0x1000 && (half & 1) == 1)) {
            half++; // a carry into the exponent is the correct rounding
        }
        return (short) (sign | half);
    }

    /** bfloat16 (the top half of a float32), round to nearest even. */
    static short toBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x40); // NaN stays a (quiet) NaN
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }
}
