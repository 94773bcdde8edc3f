package dev.flashvsr.engine.flashvsr;

/**
 * Frames as a graph input or output: float values in host memory, or a tensor already in a GPU's
 * memory, which a runtime on that GPU binds in place.
 */
public sealed interface FrameTensor {
    /** Float32 values in host memory. */
    record Host(float[] values) implements FrameTensor {
    }

    /**
     * A tensor in GPU memory: {@code bytes} at {@code address}, FP16 elements when {@code half},
     * else FP32.
     */
    record Device(long address, long bytes, boolean half) implements FrameTensor {
    }

    /** The host values; a runtime without a GPU cannot read a device tensor. */
    default float[] hostValues() {
        if (this instanceof Host host) {
            return host.values();
        }
        throw new IllegalArgumentException("these FlashVSR graphs run on the CPU and cannot read frames held in GPU "
                + "memory; keep the stream's frames on the host (this is a bug: report it)");
    }
}
