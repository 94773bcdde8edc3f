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

    /**
     * The bytes of weights this engine can keep in host memory (TensorRT's
     * {@code getStreamableWeightsSize}): 0 unless it was built with
     * {@link BuildSettings#weightStreaming()}.
     */
    long streamableWeightBytes();

    /**
     * Keeps at most {@code budgetBytes} of the streamable weights on the GPU and streams the rest
     * from host memory at each inference (TensorRT's {@code setWeightStreamingBudgetV2}; 0 streams
     * them all). TensorRT takes it only while the engine has no open context, so call it right after
     * loading; it changes {@link #scratchBytes()}, which then includes the staging memory.
     *
     * @throws TrtException when the engine was built without weight streaming, a context is open, or
     *         the budget is outside 0 to {@link #streamableWeightBytes()}
     */
    void streamWeights(long budgetBytes) throws TrtException;

    @Override
    void close();
}
