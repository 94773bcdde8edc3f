package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.weights.SafeTensors;
import dev.flashvsr.engine.weights.SafeTensorsFile;
import dev.flashvsr.engine.weights.TensorInfo;
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
 * a file instead. Upstream draws noise only for the latent frames it outputs, so such a file may
 * be shorter than the stream: the frames after it are generated.
 */
public final class LatentNoise implements AutoCloseable {
    /** Name of the tensor a noise file holds. */
    public static final String TENSOR = "noise";

    private final long seed;
    private final Path path;
    private final SafeTensorsFile file;
    private final int fileFrames;
    private final int channels;
    private final int height;
    private final int width;

    private LatentNoise(long seed, Path path, SafeTensorsFile file, int fileFrames, int channels, int height,
            int width) {
        this.seed = seed;
        this.path = path;
        this.file = file;
        this.fileFrames = fileFrames;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /** Generated noise for latent frames of [channels, height, width]. */
    public static LatentNoise generated(long seed, int channels, int height, int width) {
        return new LatentNoise(seed, null, null, 0, channels, height, width);
    }

    /**
     * Noise from tensor {@value #TENSOR} [1, channels, T, height, width] of a safetensors file for
     * latent frames 0..T-1, and generated noise from {@code seed} after them (so a stream may be
     * longer than the run the file was saved from). The file stays memory-mapped until
     * {@link #close()}; its shape and every value are checked here, before anything runs.
     */
    public static LatentNoise fromFile(Path path, long seed, int channels, int height, int width)
            throws EngineException {
        String expected = "[1, " + channels + ", T, " + height + ", " + width + "]";
        SafeTensorsFile f;
        try {
            f = SafeTensors.open(path);
        } catch (IOException e) {
            throw new EngineException("cannot read noise file " + path + ": " + e.getMessage(),
                    "Give a safetensors file with a float tensor '" + TENSOR + "' " + expected, e);
        }
        try {
            if (!f.contains(TENSOR)) {
                throw new EngineException("noise file " + path + " has no tensor named '" + TENSOR + "'",
                        "Save the noise as a float tensor '" + TENSOR + "' of shape " + expected);
            }
            TensorInfo info = f.info(TENSOR);
            long[] shape = info.shape();
            if (shape.length != 5 || shape[0] != 1 || shape[1] != channels || shape[2] < 1
                    || shape[2] > Integer.MAX_VALUE || shape[3] != height || shape[4] != width
                    || !info.dtype().readableAsFloat()) {
                throw new EngineException("noise file " + path + ": tensor '" + TENSOR + "' is " + info.dtype() + " "
                        + Arrays.toString(shape) + ", this stream needs a float tensor " + expected,
                        "Use noise saved for this frame size");
            }
            long bad = f.firstNonFinite(TENSOR);
            if (bad >= 0) {
                long plane = (long) height * width;
                throw new EngineException("noise file " + path + ": tensor '" + TENSOR + "' holds a non-finite value"
                        + " (NaN or infinity) at element " + bad + " (latent frame " + bad / plane % shape[2] + ")",
                        "The file is damaged; save the noise again or use generated noise (no noise-file)");
            }
            return new LatentNoise(seed, path, f, (int) shape[2], channels, height, width);
        } catch (EngineException | RuntimeException e) {
            closeQuietly(f);
            throw e;
        }
    }

    /** Latent frames the noise file holds; 0 for generated noise. */
    public int fileFrames() {
        return fileFrames;
    }

    /**
     * What happens from latent frame {@link #fileFrames()} on, for a warning when a stream gets
     * there: "the noise file F holds T latent frames; ... generated noise (seed S)".
     */
    String describeFallback() {
        return "the noise file " + path + " holds " + fileFrames + " latent frames; later ones use generated noise"
                + " (seed " + seed + ")";
    }

    /**
     * Writes latent frame {@code m} into {@code out} from {@code offset}: [channels, height, width],
     * from the file when it holds frame {@code m}, else generated.
     */
    public void frame(int m, float[] out, int offset) {
        int plane = height * width;
        if (m < fileFrames) {
            for (int c = 0; c < channels; c++) {
                file.readFloats(TENSOR, ((long) c * fileFrames + m) * plane, out, offset + c * plane, plane);
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

    /** Releases the noise file. */
    @Override
    public void close() {
        if (file != null) {
            closeQuietly(file);
        }
    }

    private static void closeQuietly(SafeTensorsFile f) {
        try {
            f.close();
        } catch (IOException e) {
            // a read-only mapping: nothing was written that could be lost
        }
    }
}
