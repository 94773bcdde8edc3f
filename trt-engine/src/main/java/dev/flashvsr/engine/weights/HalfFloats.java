package dev.flashvsr.engine.weights;

/**
 * Conversions from 16-bit floating point formats to float. (Java 17 has no
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
}
