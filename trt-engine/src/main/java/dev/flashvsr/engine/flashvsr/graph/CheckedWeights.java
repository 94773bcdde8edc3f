package dev.flashvsr.engine.flashvsr.graph;

import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.WeightSource;
import java.util.Arrays;

/** Reads weights with shape checks whose errors name the tensor and its file. */
final class CheckedWeights {
    private final WeightSource source;

    CheckedWeights(WeightSource source) {
        this.source = source;
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
}
