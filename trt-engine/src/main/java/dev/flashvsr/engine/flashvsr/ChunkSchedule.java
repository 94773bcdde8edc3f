package dev.flashvsr.engine.flashvsr;

/**
 * Which low-res frames FlashVSR's streaming pipeline reads and which output frames it gives, chunk
 * by chunk (the upstream schedule, as facts from the model's structure: the LQ projector and the
 * decoder work in time groups of 4 frames, chunk 0 holds 6 latent frames and later chunks 2).
 *
 * <ul>
 * <li>Chunk 0 needs low-res frames 0..24: the projector sees frame 0 alone (it only fills its
 *     caches), then 6 groups of 4; the DiT denoises latent frames 0..5 (RoPE positions 0..5); the
 *     decoder, given frames 0..20 as conditioning, gives output frames 0..20.
 * <li>Chunk k >= 1 needs frames up to 8k+24: the projector sees [8k+17, 8k+21) and [8k+21, 8k+25);
 *     the DiT denoises latent frames 4+2k and 5+2k; the decoder, conditioned on [8k+13, 8k+21),
 *     gives output frames 8k+13..8k+20.
 * </ul>
 * Output frame i belongs to low-res frame i. At the end of a stream of n frames, copies of the
 * last frame are appended until a chunk boundary covers frame n-1 ({@link #paddedLength}); the
 * outputs of the copies are dropped, so every input frame has exactly one output.
 */
public final class ChunkSchedule {
    /** Low-res frames chunk 0 needs before it can run. */
    public static final int FIRST_CHUNK_INPUTS = 25;
    /** Low-res frames each later chunk adds. */
    public static final int CHUNK_INPUTS = 8;
    /** Output frames chunk 0 gives. */
    public static final int FIRST_CHUNK_OUTPUTS = 21;
    /** Latent frames of chunk 0 and of later chunks. */
    public static final int FIRST_CHUNK_LATENTS = 6;
    public static final int CHUNK_LATENTS = 2;
    /** Low-res frames per latent frame (projector and decoder time factor). */
    public static final int FRAMES_PER_LATENT = 4;

    private ChunkSchedule() {
    }

    /** Input frames read when chunk {@code k} can run. */
    public static int inputsFor(int chunk) {
        return FIRST_CHUNK_INPUTS + CHUNK_INPUTS * chunk;
    }

    /** The chunk that runs when frame count {@code read} is reached, or -1. */
    public static int chunkCompletedBy(int read) {
        if (read < FIRST_CHUNK_INPUTS || (read - FIRST_CHUNK_INPUTS) % CHUNK_INPUTS != 0) {
            return -1;
        }
        return (read - FIRST_CHUNK_INPUTS) / CHUNK_INPUTS;
    }

    /** First output frame of chunk {@code k}. */
    public static int firstOutput(int chunk) {
        return chunk == 0 ? 0 : 8 * chunk + 13;
    }

    /** Output frames after the last of chunk {@code k} (exclusive end). */
    public static int outputEnd(int chunk) {
        return FIRST_CHUNK_OUTPUTS + CHUNK_INPUTS * chunk;
    }

    /** First latent frame chunk {@code k} denoises (also its first RoPE time position). */
    public static int firstLatent(int chunk) {
        return chunk == 0 ? 0 : FIRST_CHUNK_LATENTS - 2 + 2 * chunk;
    }

    public static int latentCount(int chunk) {
        return chunk == 0 ? FIRST_CHUNK_LATENTS : CHUNK_LATENTS;
    }

    /** Start of the low-res frames the decoder takes as conditioning for chunk {@code k}. */
    public static int conditionStart(int chunk) {
        return firstOutput(chunk);
    }

    /**
     * Frame count to feed for a stream of {@code frames} real frames: the smallest chunk boundary
     * whose outputs include frame {@code frames - 1} (always at least 4 more, as upstream pads).
     */
    public static int paddedLength(int frames) {
        if (frames < 1) {
            return 0;
        }
        int chunk = frames <= FIRST_CHUNK_OUTPUTS ? 0
                : (frames - FIRST_CHUNK_OUTPUTS + CHUNK_INPUTS - 1) / CHUNK_INPUTS;
        return inputsFor(chunk);
    }
}
