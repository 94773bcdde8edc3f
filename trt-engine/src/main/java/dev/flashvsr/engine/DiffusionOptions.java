package dev.flashvsr.engine;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Settings of diffusion models (FlashVSR); other models ignore them.
 *
 * @param colorFix          how each output frame's colours are matched to the low-res input
 * @param upstreamReference reproduce the upstream FlashVSR scripts' pre- and post-processing
 *                          (PIL bicubic on 8-bit RGB, centre crop to multiples of 128, truncation
 *                          to 8 bits) instead of ours, to verify against upstream runs
 * @param seed              seed of the latent noise (see the README for the generator)
 * @param noiseFile         a safetensors file whose {@code noise} tensor [1, C, T, h, w] replaces
 *                          the generated noise for the first T latent frames
 */
public record DiffusionOptions(ColorFix colorFix, boolean upstreamReference, long seed, Optional<Path> noiseFile) {

    public static final DiffusionOptions DEFAULT = new DiffusionOptions(ColorFix.ADAIN, false, 0, Optional.empty());

    public DiffusionOptions {
        if (colorFix == null || noiseFile == null) {
            throw new IllegalArgumentException("colour fix and noise file must not be null");
        }
    }

    /** Colour correction of the decoded frames against the upscaled low-res frames. */
    public enum ColorFix {
        /** Per-frame, per-channel mean and standard deviation matched (upstream's default). */
        ADAIN,
        /** Low frequencies (5-level wavelet) from the low-res frame, high ones from the model. */
        WAVELET,
        NONE;

        public String nick() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
