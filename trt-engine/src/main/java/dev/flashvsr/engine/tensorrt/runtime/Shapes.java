package dev.flashvsr.engine.tensorrt.runtime;

import org.bytedeco.tensorrt.nvinfer.Dims64;

/** Conversions between {@code long[]} shapes and TensorRT's {@link Dims64}. */
final class Shapes {
    /** TensorRT's Dims64 holds at most this many dimensions. */
    static final int MAX_DIMS = 8;

    private Shapes() {
    }

    static Dims64 dims(long[] shape) {
        if (shape.length > MAX_DIMS) {
            throw new IllegalArgumentException("TensorRT tensors have at most " + MAX_DIMS + " dimensions, got "
                    + shape.length);
        }
        Dims64 dims = new Dims64();
        dims.nbDims(shape.length);
        for (int i = 0; i < shape.length; i++) {
            dims.d(i, shape[i]);
        }
        return dims;
    }

    /** The dimensions, or an empty array when TensorRT answered with nbDims -1 (an invalid name or shape). */
    static long[] shape(Dims64 dims) {
        int rank = Math.max(dims.nbDims(), 0);
        long[] shape = new long[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = dims.d(i);
        }
        return shape;
    }
}
