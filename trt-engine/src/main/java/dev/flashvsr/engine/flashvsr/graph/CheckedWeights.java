package dev.flashvsr.engine.flashvsr.graph;

import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.WeightSource;
import java.util.Arrays;
import java.util.stream.IntStream;

/** Reads weights one tensor at a time, with shape checks whose errors name the tensor and its file. */
final class CheckedWeights {
    private final WeightSource source;

    CheckedWeights(WeightSource source) {
        this.source = source;
    }

    String origin() {
        return source.origin();
    }

    boolean contains(String name) {
        return source.contains(name);
    }

    /** Tensor {@code name} of shape {@code dims} (-1 = any size), or an error naming it. */
    FloatTensor tensor(String name, long... dims) {
        if (!source.contains(name)) {
            throw new IllegalArgumentException(source.origin() + ": tensor '" + name + "' is missing");
        }
        FloatTensor t = source.readTensor(name);
        long[] shape = t.shape();
        boolean ok = shape.length == dims.length;
        for (int i = 0; ok && i < dims.length; i++) {
            ok = dims[i] < 0 || dims[i] == shape[i];
        }
        if (!ok) {
            throw new IllegalArgumentException(source.origin() + ": tensor '" + name + "' has shape "
                    + Arrays.toString(shape) + ", expected " + Arrays.toString(dims).replace("-1", "*"));
        }
        return t;
    }

    /** The values of tensor {@code name}, which must have exactly {@code shape}. */
    float[] read(String name, long... shape) {
        return tensor(name, shape).data();
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
            IntStream.range(0, rows * out).parallel().forEach(ro -> {
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
