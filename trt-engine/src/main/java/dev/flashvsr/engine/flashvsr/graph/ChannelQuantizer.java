package dev.flashvsr.engine.flashvsr.graph;

import dev.flashvsr.engine.onnx.ExternalWeights;

/**
 * Symmetric int8 quantization of a weight [out, in] per output channel: scale = max |w| / 127 of
 * each row, q = round-half-even(w / scale) in [-127, 127]. The weight is read row by row, once
 * for the scales and again piece by piece as it is written, so it never lies in the heap whole.
 */
final class ChannelQuantizer implements ExternalWeights.Values {
    static final int LEVELS = 127;

    private final CheckedWeights.Stored weight;
    private final int in;
    private final float[] scales;

    ChannelQuantizer(CheckedWeights.Stored weight, int out, int in) {
        this.weight = weight;
        this.in = in;
        this.scales = new float[out];
        float[] row = new float[in];
        for (int o = 0; o < out; o++) {
            weight.read((long) o * in, row, in);
            float max = 0;
            for (float v : row) {
                max = Math.max(max, Math.abs(v));
            }
            // An all-zero row quantizes to zeros with any scale; 1 keeps the scale positive (TensorRT's rule).
            scales[o] = max > 0 ? max / LEVELS : 1f;
        }
    }

    /** One scale per output channel. */
    float[] scales() {
        return scales.clone();
    }

    /** The quantized values from element {@code first} on, as floats holding whole numbers. */
    @Override
    public void read(long first, float[] out, int count) {
        weight.read(first, out, count);
        for (int i = 0; i < count; i++) {
            float scale = scales[(int) ((first + i) / in)];
            out[i] = (float) Math.max(-LEVELS, Math.min(LEVELS, Math.rint(out[i] / scale)));
        }
    }
}
