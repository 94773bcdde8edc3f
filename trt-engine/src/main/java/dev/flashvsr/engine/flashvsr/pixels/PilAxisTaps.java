package dev.flashvsr.engine.flashvsr.pixels;

/**
 * The fixed-point taps of one resampling pass along one axis, as Pillow's BICUBIC resize computes
 * them: output pixel o covers the input window [first[o], first[o] + count[o]) with integer
 * weights of {@value #PRECISION_BITS} fraction bits, stored at {@code o * stride}.
 */
final class PilAxisTaps {
    /** 32 - 8 - 2: 8 bits of pixel, 2 bits of headroom for the kernel's overshoot. */
    static final int PRECISION_BITS = 22;
    private static final double KEYS_A = -0.5;
    private static final double SUPPORT = 2.0;

    final int[] first;
    final int[] count;
    final int[] weights;
    final int stride;

    PilAxisTaps(int inSize, int outSize) {
        if (inSize < 1 || outSize < 1) {
            throw new IllegalArgumentException("resize sizes must be positive, got " + inSize + " -> " + outSize);
        }
        double scale = (double) inSize / outSize;
        // shrinking widens the kernel by the shrink factor, so every input pixel contributes
        double filterScale = Math.max(scale, 1.0);
        double support = SUPPORT * filterScale;
        stride = (int) Math.ceil(support) * 2 + 1;
        first = new int[outSize];
        count = new int[outSize];
        weights = new int[outSize * stride];
        double[] w = new double[stride];
        for (int o = 0; o < outSize; o++) {
            double centre = (o + 0.5) * scale;
            int lo = Math.max((int) (centre - support + 0.5), 0);
            int hi = Math.min((int) (centre + support + 0.5), inSize);
            int n = hi - lo;
            double total = 0;
            for (int i = 0; i < n; i++) {
                w[i] = keys((lo + i + 0.5 - centre) / filterScale);
                total += w[i];
            }
            first[o] = lo;
            count[o] = n;
            for (int i = 0; i < n; i++) {
                double normalised = total != 0 ? w[i] / total : w[i];
                weights[o * stride + i] = roundHalfAwayFromZero(normalised * (1 << PRECISION_BITS));
            }
        }
    }

    /** Keys' cubic convolution kernel. */
    private static double keys(double x) {
        x = Math.abs(x);
        if (x < 1) {
            return ((KEYS_A + 2) * x - (KEYS_A + 3)) * x * x + 1;
        }
        if (x < 2) {
            return (((x - 5) * x + 8) * x - 4) * KEYS_A;
        }
        return 0;
    }

    private static int roundHalfAwayFromZero(double v) {
        return (int) (v < 0 ? v - 0.5 : v + 0.5);
    }

    /** Accumulator start: one half in fixed point, so the final shift rounds. */
    static int half() {
        return 1 << (PRECISION_BITS - 1);
    }

    /** Back to 8 bits: drop the fraction, clamp to 0..255. */
    static byte clip8(int accumulator) {
        int v = accumulator >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
