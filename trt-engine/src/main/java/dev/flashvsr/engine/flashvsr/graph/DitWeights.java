package dev.flashvsr.engine.flashvsr.graph;

import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.WeightSource;
import java.util.Arrays;

/** Reads DiT tensors by upstream name, checking each shape, one tensor at a time. */
final class DitWeights {
    private final WeightSource source;

    DitWeights(WeightSource source) {
        this.source = source;
    }

    String origin() {
        return source.origin();
    }

    /** Tensor {@code name}, which must have exactly {@code shape}. */
    float[] read(String name, long... shape) {
        if (!source.contains(name)) {
            throw new IllegalArgumentException(source.origin() + ": missing tensor " + name);
        }
        FloatTensor t = source.readTensor(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(source.origin() + ": " + name + " has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(shape));
        }
        return t.data();
    }

    /** A Linear layer {@code prefix.weight [out, in]}, {@code prefix.bias [out]}. */
    Linear linear(String prefix, int in, int out) {
        return new Linear(read(prefix + ".weight", out, in), read(prefix + ".bias", out), in, out);
    }

    /** Weight [out, in] (row-major, as PyTorch stores it) and bias [out]. */
    record Linear(float[] weight, float[] bias, int in, int out) {
        /** The weight as [in, out], the right operand of {@code x @ W}. */
        float[] transposed() {
            float[] t = new float[weight.length];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    t[i * out + o] = weight[o * in + i];
                }
            }
            return t;
        }

        /** {@code rows x in} inputs to {@code rows x out} outputs, each a float32 sum accumulated in double. */
        float[] apply(float[] x, int rows) {
            float[] y = new float[rows * out];
            java.util.stream.IntStream.range(0, rows * out).parallel().forEach(ro -> {
                int r = ro / out;
                int o = ro % out;
                double sum = bias[o];
                for (int i = 0; i < in; i++) {
                    sum += (double) x[r * in + i] * weight[o * in + i];
                }
                y[ro] = (float) sum;
            });
            return y;
        }
    }
}
