package dev.flashvsr.engine.tensorrt.runtime;

/**
 * One execution of an engine: set every input's shape and every tensor's device address, then
 * enqueue on a CUDA stream. Addresses may change between enqueues (state swapped by address).
 */
public interface TrtContext extends AutoCloseable {
    /** Sets a dynamic input's shape; it must lie in the engine's optimization profile. */
    void setInputShape(String name, long[] shape) throws TrtException;

    /** The tensor's shape, resolved once the inputs' shapes are set. */
    long[] shape(String name) throws TrtException;

    /** Binds a tensor (input or output) to device memory at {@code deviceAddress}. */
    void setTensorAddress(String name, long deviceAddress) throws TrtException;

    /** Enqueues one inference on the CUDA stream (a CUstream handle, 0 for the default stream). */
    void enqueue(long cudaStream) throws TrtException;

    @Override
    void close();
}
