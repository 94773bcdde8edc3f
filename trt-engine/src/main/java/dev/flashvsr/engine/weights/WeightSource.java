package dev.flashvsr.engine.weights;

import java.io.Closeable;
import java.util.List;
import java.util.Optional;

/**
 * A named set of tensors that are read one at a time, so that multi-GB weight files never
 * have to be held whole in the heap. Implemented by safetensors files and by PyTorch
 * checkpoints; graph builders depend only on this.
 */
public interface WeightSource extends Closeable {

    /** Where the tensors come from (a file name), for error messages. */
    String origin();

    /** Tensor names in file order. */
    List<String> names();

    /** Whether tensor {@code name} exists. */
    boolean contains(String name);

    /** Dtype and shape of tensor {@code name}, without reading its data. */
    TensorInfo info(String name);

    /** Reads tensor {@code name} as float32 with its shape. */
    FloatTensor readTensor(String name);

    /**
     * Reads {@code count} elements of tensor {@code name} from element {@code first} (row-major) as
     * float32 into {@code out[offset ..]}; file-backed sources read only those elements, so that
     * a tensor of any size can be converted piece by piece.
     */
    default void readFloats(String name, long first, float[] out, int offset, int count) {
        System.arraycopy(readTensor(name).data(), Math.toIntExact(first), out, offset, count);
    }

    /**
     * Where tensor {@code name}'s elements lie in a file exactly as stored (row-major, contiguous,
     * dtype {@code info(name).dtype()}), or empty when they do not (a strided view, a source held in
     * memory).
     */
    default Optional<FileRegion> region(String name) {
        return Optional.empty();
    }

    /**
     * The index (row-major) of the first element of tensor {@code name} that is NaN or infinite,
     * or -1 when all are finite or the tensor holds no floats. Implementations backed by files scan
     * without reading the tensor into the heap.
     */
    default long firstNonFinite(String name) {
        if (!info(name).dtype().readableAsFloat()) {
            return -1;
        }
        float[] data = readTensor(name).data();
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }
}
