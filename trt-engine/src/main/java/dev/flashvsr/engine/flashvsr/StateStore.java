package dev.flashvsr.engine.flashvsr;

import java.nio.FloatBuffer;
import java.util.function.Consumer;

/**
 * The streaming state of one FlashVSR stream, wherever it lives (host memory for ONNX Runtime,
 * device memory for TensorRT): graph-input name to its current value. Graphs follow one naming
 * rule: an output {@code X_out} is the next value of input {@code X}; the runtime stores those
 * itself, this interface is what the stream's own logic does to the state.
 */
public interface StateStore {
    /** Sets input {@code input} to float32 values of {@code shape} (a first call's caches, zero memories). */
    void put(String input, float[] data, long[] shape);

    /**
     * Rewrites every value whose name starts with {@code prefix} through {@code change}, which gets
     * its values as float32 (rare: RoPE rebasing of the key cache).
     */
    void rewriteStartingWith(String prefix, Consumer<FloatBuffer> change);
}
