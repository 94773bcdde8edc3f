package dev.flashvsr.engine.bicubic;

/**
 * The cubic convolution kernel of R. Keys, "Cubic convolution interpolation for digital image
 * processing" (IEEE TASSP 29(6), 1981), with a = -0.5: the interpolating cubic that reproduces
 * polynomials up to degree two, the "bicubic" of most image libraries.
 */
public final class KeysKernel {
    static final double A = -0.5;

    private KeysKernel() {
    }

    public static double weight(double x) {
        double ax = Math.abs(x);
        if (ax <= 1) {
            return ((A + 2) * ax - (A + 3)) * ax * ax + 1;
        }
        if (ax < 2) {
            return ((A * ax - 5 * A) * ax + 8 * A) * ax - 4 * A;
        }
        return 0;
    }
}
