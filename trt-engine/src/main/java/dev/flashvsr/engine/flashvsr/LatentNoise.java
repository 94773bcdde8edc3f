package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.SafeTensors;
import dev.flashvsr.engine.weights.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The Gaussian noise the one-step DiT starts from, one latent frame [C, h, w] at a time.
 *
 * <p>Generated noise is deterministic and independent of the stream's length, so a streaming run
 * never needs to know how many frames will come: latent frame {@code m} is drawn from
 * {@code new SplittableRandom(seed + m * 0x9E3779B97F4A7C15L)}, element by element in (channel,
 * row, column) order, pairs of standard normals by the Box-Muller transform
 * ({@code u1 = 1 - (nextLong() >>> 11) * 2^-53}, {@code u2 = (nextLong() >>> 11) * 2^-53},
 * {@code r = sqrt(-2 ln u1)}, values {@code r cos(2 pi u2)} then {@code r sin(2 pi u2)}, with
 * {@link StrictMath}, rounded to float). Upstream draws its noise with PyTorch's generator on the
 * GPU, which no other implementation reproduces; to replay an upstream run, pass its noise tensor as
 * a file instead.
 */
public final class LatentNoise {
    private final long seed;
    private final FloatTensor file;
    private final int channels;
    private final int height;
    private final int width;

    private LatentNoise(long seed, FloatTensor file, int channels, int height, int width) {
        this.seed = seed;
        this.file = file;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /** Generated noise for latent frames of [channels, height, width]. */
    public static LatentNoise generated(long seed, int channels, int height, int width) {
        return new LatentNoise(seed, null, channels, height, width);
    }

    /**
     * Noise from tensor {@code noise} [1, channels, T, height, width] of a safetensors file; the
     * stream may use T latent frames.
     */
    public static LatentNoise fromFile(Path path, int channels, int height, int width) throws EngineException {
        FloatTensor noise;
        try (SafeTensorsFile f = SafeTensors.open(path)) {
            if (!f.contains("noise")) {
                throw new EngineException("noise file " + path + " has no tensor named 'noise'",
                        "Save the noise as a float tensor 'noise' of shape [1, " + channels + ", T, " + height + ", "
                                + width + "]");
            }
            noise = f.readTensor("noise");
        } catch (IOException | IllegalArgumentException e) {
            throw new EngineException("cannot read noise file " + path + ": " + e.getMessage(),
                    "Give a safetensors file with a float tensor 'noise'", e);
        }
        long[] shape = noise.shape();
        if (shape.length != 5 || shape[0] != 1 || shape[1] != channels || shape[3] != height || shape[4] != width) {
            throw new EngineException("noise file " + path + ": tensor 'noise' has shape " + Arrays.toString(shape)
                    + ", this stream needs [1, " + channels + ", T, " + height + ", " + width + "]",
                    "Use noise saved for this frame size");
        }
        return new LatentNoise(0, noise, channels, height, width);
    }

    /** Latent frames available, or -1 when unlimited (generated). */
    public int frames() {
        return file == null ? -1 : (int) file.dim(2);
    }

    /** Writes latent frame {@code m} into {@code out} from {@code offset}: [channels, height, width]. */
    public void frame(int m, float[] out, int offset) throws EngineException {
        int plane = height * width;
        if (file != null) {
            int frames = frames();
            if (m >= frames) {
                throw new EngineException("the noise file holds " + frames + " latent frames but the stream needs"
                        + " latent frame " + m + " (" + (4 * frames - 3) + " low-res frames at most)",
                        "Use a longer noise file, or generated noise (no noise-file)");
            }
            float[] data = file.data();
            for (int c = 0; c < channels; c++) {
                System.arraycopy(data, (c * frames + m) * plane, out, offset + c * plane, plane);
            }
            return;
        }
        SplittableRandom random = new SplittableRandom(seed + m * 0x9E3779B97F4A7C15L);
        int count = channels * plane;
        for (int i = 0; i < count; i += 2) {
            double u1 = 1.0 - (random.nextLong() >>> 11) * 0x1.0p-53;
            double u2 = (random.nextLong() >>> 11) * 0x1.0p-53;
            double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
            double angle = 2.0 * StrictMath.PI * u2;
            out[offset + i] = (float) (r * StrictMath.cos(angle));
            if (i + 1 < count) {
                out[offset + i + 1] = (float) (r * StrictMath.sin(angle));
            }
        }
    }
}
