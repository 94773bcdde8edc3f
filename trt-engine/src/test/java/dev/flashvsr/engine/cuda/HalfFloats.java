package dev.flashvsr.engine.cuda;

/**
 * The test side's binary16 reference for signed values (Java 17 has no float-to-half conversion),
 * built on the value search of {@link ColorToPlanarKernelTest#roundedHalf}, so it shares nothing
 * with the kernels' bit manipulation. Values must be finite and within the half range (|v| <= 65504).
 */
final class HalfFloats {
    private HalfFloats() {
    }

    /** The bits of the binary16 nearest to {@code v}, ties to even, the sign kept (-0 too). */
    static int nearest(float v) {
        if (!(Math.abs(v) <= 65504f)) {
            throw new IllegalArgumentException(v + " is not within the finite half range");
        }
        int sign = Float.floatToRawIntBits(v) < 0 ? 0x8000 : 0;
        return sign | ColorToPlanarKernelTest.roundedHalf(Math.abs(v));
    }

    /** The exact value of finite binary16 {@code bits}. */
    static float value(int bits) {
        float magnitude = (float) ColorToPlanarKernelTest.halfValue(bits & 0x7fff);
        return (bits & 0x8000) != 0 ? -magnitude : magnitude;
    }
}
