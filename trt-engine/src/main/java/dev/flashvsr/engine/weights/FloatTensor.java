package dev.flashvsr.engine.weights;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major (C) order. The shape is copied on construction and on
 * access; the data array is shared, not copied (weights can be large).
 */
public record FloatTensor(long[] shape, float[] data) {

    public FloatTensor {
        if (shape == null || data == null) {
            throw new IllegalArgumentException("shape and data must not be null");
        }
        shape = shape.clone();
        long count = elementCount(shape);
        if (count != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count
                    + " elements but data has " + data.length);
        }
    }

    /** Convenience for int shapes. */
    public static FloatTensor of(float[] data, long... shape) {
        return new FloatTensor(shape, data);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code axis}. */
    public long dim(int axis) {
        return shape[axis];
    }

    /** Product of the dimensions (1 for a scalar); rejects negative dimensions and overflow. */
    public static long elementCount(long[] shape) {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, d);
        }
        return count;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
