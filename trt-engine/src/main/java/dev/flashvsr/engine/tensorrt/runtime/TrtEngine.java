package dev.flashvsr.engine.tensorrt.runtime;

import java.util.List;

/** A deserialized engine: its I/O tensors, and execution contexts that run it. */
public interface TrtEngine extends AutoCloseable {
    /** The engine's inputs and outputs in TensorRT's order; dynamic dimensions are -1. */
    List<TensorInfo> tensors();

    /** A new execution context (one per session: it holds shapes and addresses) with its own scratch memory. */
    TrtContext createContext() throws TrtException;

    /**
     * The device memory a context needs for its activations at the engine's largest shapes
     * (TensorRT's {@code getDeviceMemorySizeV2}).
     */
    long scratchBytes();

    /**
     * A new execution context whose activations live in {@code scratchBytes} of device memory at
     * {@code scratchAddress}, owned by the caller, who may give the same memory to contexts that
     * never run at the same time (several engines enqueued one after another on one CUDA stream).
     *
     * @throws IllegalArgumentException when {@code scratchBytes} is below {@link #scratchBytes()}
     */
    TrtContext createContext(long scratchAddress, long scratchBytes) throws TrtException;

    @Override
    void close();
}
