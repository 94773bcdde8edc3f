package dev.flashvsr.engine.tensorrt.runtime;

import java.util.Arrays;

/**
 * An engine's input or output tensor.
 *
 * @param name the tensor's name in the graph
 * @param input true for an input, false for an output
 * @param dataType its element type
 * @param shape its dimensions, -1 where dynamic
 */
public record TensorInfo(String name, boolean input, DataType dataType, long[] shape) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Elements at its shape, which must be static. */
    public long elements() {
        if (Arrays.stream(shape).anyMatch(d -> d < 0)) {
            throw new IllegalStateException(this + " has a dynamic shape: its size is known only per context");
        }
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    /** Bytes at its shape, which must be static. */
    public long bytes() {
        return elements() * dataType.bytes();
    }

    /** Element types TensorRT tensors may have. */
    public enum DataType {
        FLOAT(4), HALF(2), BF16(2), INT8(1), UINT8(1), INT32(4), INT64(8), BOOL(1), FP8(1), INT4(1);

        private final int bytes;

        DataType(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes per element (packed 4-bit types report 1, the storage of two). */
        public int bytes() {
            return bytes;
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TensorInfo that && input == that.input && name.equals(that.name)
                && dataType == that.dataType && Arrays.equals(shape, that.shape);
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + dataType.hashCode()) * 31 + Arrays.hashCode(shape) + (input ? 1 : 0);
    }

    @Override
    public String toString() {
        return (input ? "input " : "output ") + name + " " + dataType + " " + Arrays.toString(shape);
    }
}
