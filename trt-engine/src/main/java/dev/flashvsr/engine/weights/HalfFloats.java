package dev.flashvsr.engine.weights;

/**
 * Conversions between float and the 16-bit floating point formats. (Java 17 has no
 * {@code Float.float16ToFloat}; that arrived in Java 20.)
 */
public final class HalfFloats {
    private HalfFloats() {
    }

    /** IEEE 754 binary16 (1 sign, 5 exponent, 10 mantissa bits) to float; exact for every value. */
    public static float float16ToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            // Infinity (mantissa 0) or NaN (payload kept in the top mantissa bits).
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // Zero or subnormal: mantissa * 2^-24, exact in float.
            float magnitude = mantissa * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        // Normal: rebias the exponent from 15 to 127.
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** bfloat16 (the top 16 bits of a float32) to float; exact. */
    public static float bfloat16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xffff) << 16);
    }

    /** IEEE binary16 bits of {@code value}, round to nearest even; beyond the largest half (65504) becomes infinity. */
    public static short floatToFloat16(float value) {
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

    /** bfloat16 bits of {@code value} (the top half of the float32), round to nearest even. */
    public static short floatToBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x40); // NaN stays a (quiet) NaN
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }
}
