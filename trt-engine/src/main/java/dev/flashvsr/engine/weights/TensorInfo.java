package dev.flashvsr.engine.weights;

import java.util.Arrays;

/**
 * One tensor's header entry: its element type, shape, and byte range {@code [dataBegin, dataEnd)}
 * relative to the start of the source's data area: for safetensors the data buffer after the
 * header, for {@link TorchCheckpoint}s the file itself (see {@link TorchCheckpoint#info(String)}).
 */
public record TensorInfo(String name, DType dtype, long[] shape, long dataBegin, long dataEnd) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long elementCount() {
        return FloatTensor.elementCount(shape);
    }

    public long byteSize() {
        return dataEnd - dataBegin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && dataBegin == t.dataBegin && dataEnd == t.dataEnd;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @[" + dataBegin + ", " + dataEnd + ")";
    }
}
