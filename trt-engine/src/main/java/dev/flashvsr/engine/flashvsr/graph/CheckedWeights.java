package dev.flashvsr.engine.flashvsr.graph;

import dev.flashvsr.engine.weights.DType;
import dev.flashvsr.engine.weights.FileRegion;
import dev.flashvsr.engine.weights.WeightSource;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Checks weights' shapes from their headers, with errors that name the tensor and its file, and
 * hands them out unread: graphs refer to them in place or convert them piece by piece, and only
 * what Java computes with is read into the heap, one tensor at a time.
 */
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
    Stored tensor(String name, long... dims) {
        if (!source.contains(name)) {
            throw new IllegalArgumentException(source.origin() + ": tensor '" + name + "' is missing");
        }
        long[] shape = source.info(name).shape();
        boolean ok = shape.length == dims.length;
        for (int i = 0; ok && i < dims.length; i++) {
            ok = dims[i] < 0 || dims[i] == shape[i];
        }
        if (!ok) {
            throw new IllegalArgumentException(source.origin() + ": tensor '" + name + "' has shape "
                    + Arrays.toString(shape) + ", expected " + Arrays.toString(dims).replace("-1", "*"));
        }
        return new Stored(source, name, shape);
    }

    /** The values of tensor {@code name}, which must have exactly {@code shape}. */
    float[] read(String name, long... shape) {
        return tensor(name, shape).data();
    }

    /** A Linear layer {@code prefix.weight [out, in]}, {@code prefix.bias [out]}. */
    Linear linear(String prefix, int in, int out) {
        return new Linear(tensor(prefix + ".weight", out, in), tensor(prefix + ".bias", out), in, out);
    }

    /** A checked, unread tensor of the source. */
    record Stored(WeightSource source, String name, long[] shape) {
        long dim(int i) {
            return shape[i];
        }

        /** Reads all its values as float32. */
        float[] data() {
            return source.readTensor(name).data();
        }

        /** Reads {@code count} values from element {@code first} into {@code out}. */
        void read(long first, float[] out, int count) {
            source.readFloats(name, first, out, 0, count);
        }

        /** Where its values lie in a file as {@code dtype}, when they are stored so. */
        Optional<FileRegion> regionAs(DType dtype) {
            return source.info(name).dtype() == dtype ? source.region(name) : Optional.empty();
        }
    }

    /** Weight [out, in] (row-major, as PyTorch stores it; any shape with those sizes) and bias [out]. */
    record Linear(Stored weight, Stored bias, int in, int out) {
        /** The weight as [in, out], the right operand of {@code x @ W}. */
        float[] transposed() {
            float[] w = weight.data();
            float[] t = new float[w.length];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    t[i * out + o] = w[o * in + i];
                }
            }
            return t;
        }

        /** {@code rows x in} inputs to {@code rows x out} outputs, each a float32 sum accumulated in double. */
        float[] apply(float[] x, int rows) {
            float[] w = weight.data();
            float[] b = bias.data();
            float[] y = new float[rows * out];
            IntStream.range(0, rows * out).parallel().forEach(ro -> {
                int r = ro / out;
                int o = ro % out;
                double sum = b[o];
                for (int i = 0; i < in; i++) {
                    sum += (double) x[r * in + i] * w[o * in + i];
                }
                y[ro] = (float) sum;
            });
            return y;
        }
    }
}
