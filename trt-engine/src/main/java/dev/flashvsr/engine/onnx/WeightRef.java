package dev.flashvsr.engine.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.flashvsr.engine.weights.FloatTensor;
import java.util.Arrays;

/**
 * A graph input that carries a weight: its name, element type and shape, and the bytes that hold
 * it, {@code length} bytes at {@code offset} of {@code file}, a path relative to the folder that
 * {@code root} names (see {@link ExternalWeights}).
 */
public record WeightRef(String name, TensorProto.DataType type, long[] shape, String root, String file, long offset,
        long length) {

    public WeightRef {
        shape = shape.clone();
        long expected = FloatTensor.elementCount(shape) * elementSize(type);
        if (offset < 0 || length != expected) {
            throw new IllegalArgumentException("weight '" + name + "': " + length + " bytes at " + offset + " of " + file
                    + " for " + type + " " + Arrays.toString(shape) + " (" + expected + " bytes)");
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Bytes per element of the types weights are stored in. */
    public static int elementSize(TensorProto.DataType type) {
        return switch (type) {
            case FLOAT -> 4;
            case FLOAT16, BFLOAT16 -> 2;
            case INT8 -> 1;
            default -> throw new IllegalArgumentException("weights are float32, float16, bfloat16 or int8, not "
                    + type);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightRef r && name.equals(r.name) && type == r.type && Arrays.equals(shape, r.shape)
                && root.equals(r.root) && file.equals(r.file) && offset == r.offset && length == r.length;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Long.hashCode(offset);
    }
}
