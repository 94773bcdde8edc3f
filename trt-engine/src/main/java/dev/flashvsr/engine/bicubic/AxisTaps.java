package dev.flashvsr.engine.bicubic;

/**
 * The four source indices and weights of every output position along one axis, for an integer
 * upscale with pixel centres aligned: output position o samples source position
 * {@code (o + 0.5) / scale - 0.5}. Indices past the edges are clamped (edge pixels repeat).
 *
 * <p>For scales 2 and 4 the sampling phases are multiples of 1/8, where the Keys weights are
 * exact multiples of 1/1024; they are kept as integers in units of {@link #ONE}, so the whole
 * resampling is exact integer arithmetic.
 *
 * <p>The taps are periodic: output position {@code scale * i + p} reads source positions
 * {@code phaseFirst[p] + i + k} (before clamping) with the weights of output position {@code p},
 * so a resampler can run one plain loop per phase with constant weights.
 */
final class AxisTaps {
    static final int TAPS = 4;
    static final int FRACTION_BITS = 10;
    static final int ONE = 1 << FRACTION_BITS;

    final int[] index;
    final int[] weight;
    /** Per phase p (output positions {@code scale * i + p}): the unclamped first source index at i = 0. */
    final int[] phaseFirst;

    AxisTaps(int sourceLength, int outputLength, int scale) {
        index = new int[outputLength * TAPS];
        weight = new int[outputLength * TAPS];
        phaseFirst = new int[scale];
        for (int o = 0; o < outputLength; o++) {
            double position = (o + 0.5) / scale - 0.5;
            int first = (int) Math.floor(position) - 1;
            if (o < scale) {
                phaseFirst[o] = first;
            }
            for (int k = 0; k < TAPS; k++) {
                int source = first + k;
                double exact = KeysKernel.weight(position - source) * ONE;
                long fixed = Math.round(exact);
                if (Math.abs(exact - fixed) > 1e-9) {
                    throw new IllegalArgumentException("scale " + scale + " has weights finer than 1/" + ONE);
                }
                index[o * TAPS + k] = Math.min(Math.max(source, 0), sourceLength - 1);
                weight[o * TAPS + k] = (int) fixed;
            }
        }
    }
}
