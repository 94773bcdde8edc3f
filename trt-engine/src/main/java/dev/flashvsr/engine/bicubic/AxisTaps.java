package dev.flashvsr.engine.bicubic;

/**
 * The four source indices and weights of every output position along one axis, for an integer
 * upscale with pixel centres aligned: output position o samples source position
 * {@code (o + 0.5) / scale - 0.5}. Indices past the edges are clamped (edge pixels repeat).
 */
final class AxisTaps {
    static final int TAPS = 4;

    final int[] index;
    final float[] weight;

    AxisTaps(int sourceLength, int outputLength, int scale) {
        index = new int[outputLength * TAPS];
        weight = new float[outputLength * TAPS];
        for (int o = 0; o < outputLength; o++) {
            double position = (o + 0.5) / scale - 0.5;
            int first = (int) Math.floor(position) - 1;
            for (int k = 0; k < TAPS; k++) {
                int source = first + k;
                index[o * TAPS + k] = Math.min(Math.max(source, 0), sourceLength - 1);
                weight[o * TAPS + k] = (float) KeysKernel.weight(position - source);
            }
        }
    }
}
