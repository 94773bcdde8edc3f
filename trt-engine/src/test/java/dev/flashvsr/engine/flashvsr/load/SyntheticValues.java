package dev.flashvsr.engine.flashvsr.load;

import dev.flashvsr.engine.weights.StreamedWeightFiles;
import java.util.SplittableRandom;

/**
 * Random weights that keep a FlashVSR model's activations finite and tame: weights uniform with a
 * standard deviation of 0.5 / sqrt(fan-in), norm scales near 1, biases and modulations near 0.
 * Each tensor's values depend only on the seed and its name, not on the order tensors are written.
 */
final class SyntheticValues implements StreamedWeightFiles.ValuesFactory {
    private static final float BIAS_HALF_WIDTH = 0.02f;
    private static final float NORM_HALF_WIDTH = 0.1f;
    private static final float MODULATION_HALF_WIDTH = 0.05f;
    /** A uniform distribution of half-width a has standard deviation a / sqrt(3). */
    private static final double SQRT_3 = Math.sqrt(3);

    /** Name under which the text context's values are drawn: uniform in [-1, 1], like an embedding's. */
    static final String TEXT_CONTEXT = "text_context";

    private final long seed;

    SyntheticValues(long seed) {
        this.seed = seed;
    }

    /** Centre and half-width of the uniform distribution of a tensor's values. */
    record Range(float centre, float halfWidth) {
    }

    static Range range(String name, long[] shape) {
        if (name.endsWith(".bias")) {
            return new Range(0, BIAS_HALF_WIDTH);
        }
        if (name.contains("norm")) {
            return new Range(1, NORM_HALF_WIDTH); // RMS/layer norm scales: norm_q, norm_k, norm3, norm1.gamma, ...
        }
        if (name.contains("modulation")) {
            return new Range(0, MODULATION_HALF_WIDTH);
        }
        if (name.equals(TEXT_CONTEXT)) {
            return new Range(0, 1);
        }
        long fanIn = 1;
        for (int i = 1; i < shape.length; i++) {
            fanIn *= shape[i];
        }
        return new Range(0, (float) (0.5 / Math.sqrt(fanIn) * SQRT_3));
    }

    @Override
    public StreamedWeightFiles.Values of(String name, long[] shape) {
        Range range = range(name, shape);
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
        float scale = 2 * range.halfWidth() * 0x1.0p-24f;
        float low = range.centre() - range.halfWidth();
        return (chunk, count) -> {
            for (int i = 0; i < count; i += 2) {
                // Two 24-bit uniform values per 64 random bits: the generator is most of the writing time.
                long bits = random.nextLong();
                chunk[i] = low + scale * (int) (bits >>> 40);
                if (i + 1 < count) {
                    chunk[i + 1] = low + scale * (int) (bits & 0xFFFFFF);
                }
            }
        };
    }
}
