package dev.flashvsr.engine.flashvsr;

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
     * Rotates every value whose name starts with {@code prefix}, cached keys, by {@code rebase}
     * where the value lives (rare: RoPE rebasing of the key cache).
     */
    void rebaseKeys(String prefix, KeyCacheRebase rebase);
}
