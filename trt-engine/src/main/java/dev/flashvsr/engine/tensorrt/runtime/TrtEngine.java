package dev.flashvsr.engine.tensorrt.runtime;

import java.util.List;

/** A deserialized engine: its I/O tensors, and execution contexts that run it. */
public interface TrtEngine extends AutoCloseable {
    /** The engine's inputs and outputs in TensorRT's order; dynamic dimensions are -1. */
    List<TensorInfo> tensors();

    /** A new execution context (one per session: it holds shapes and addresses). */
    TrtContext createContext() throws TrtException;

    @Override
    void close();
}
