package dev.flashvsr.engine.flashvsr;

/**
 * A chunk's denoised latents [1, T, C, h, w], the decoder's input: float values on the host, or a
 * tensor that the graphs which made them left in GPU memory for their decoder.
 */
public sealed interface DecoderLatents {
    /** Float32 values in host memory. */
    record Host(float[] values) implements DecoderLatents {
        /**
         * The one step x0 = noise - v of {@code noise} and the DiT's {@code prediction} (both
         * [1, C, T, h, w], {@code plane = h * w}), reordered to the decoder's [1, T, C, h, w].
         */
        public static Host oneStep(float[] noise, float[] prediction, int channels, int frames, int plane) {
            if (noise.length != prediction.length || noise.length != channels * frames * plane) {
                throw new IllegalArgumentException("noise of " + noise.length + " values and a prediction of "
                        + prediction.length + " for " + channels + " x " + frames + " x " + plane + " latents");
            }
            float[] latents = new float[noise.length];
            for (int c = 0; c < channels; c++) {
                for (int t = 0; t < frames; t++) {
                    int from = (c * frames + t) * plane;
                    int to = (t * channels + c) * plane;
                    for (int p = 0; p < plane; p++) {
                        latents[to + p] = noise[from + p] - prediction[from + p];
                    }
                }
            }
            return new Host(latents);
        }
    }

    /** Latents in GPU memory at {@code address}, where the graphs that made them bind them. */
    record Device(long address) implements DecoderLatents {
    }

    /** The host values; a runtime without a GPU cannot read device latents. */
    default float[] hostValues() {
        if (this instanceof Host host) {
            return host.values();
        }
        throw new IllegalArgumentException("these FlashVSR graphs run on the CPU and cannot read latents held in "
                + "GPU memory (this is a bug: report it)");
    }
}
