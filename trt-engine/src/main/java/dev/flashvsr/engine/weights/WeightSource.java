package dev.flashvsr.engine.weights;

import java.io.Closeable;
import java.util.List;

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
}
