package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;

/**
 * The model-sized frames of one FlashVSR stream, where the stream's graphs read them: its held
 * input frames [3, H, W] in [-1, 1] by input index, and the output frames of the last chunk. What
 * {@link ChunkRunner} needs of them, on the host or on a GPU.
 */
public interface StreamFrames {
    /** Held input frame {@code index} as host floats (chunk 0's projector caches start from frame 0). */
    float[] hostFrame(int index) throws EngineException;

    /** The held input frames {@code indices}, in that order, as one video [3, indices.length, H, W]. */
    FrameTensor stack(int[] indices) throws EngineException;

    /**
     * Takes a chunk's decoded frames [T, 3, H, W] in [0, 1] from frame {@code skip} on as its
     * outputs: mapped to [-1, 1], colour-fixed against the held inputs from {@code firstInput} on
     * (output i against input firstInput + i) and clamped, now or as each is emitted (the decoded
     * frames stay valid, and those inputs held, until the next chunk runs). They replace the
     * previous chunk's.
     *
     * @return how many output frames the chunk has
     */
    int finish(FrameTensor decoded, int skip, int firstInput) throws EngineException;

    /** Forgets the held input frames below {@code index}. */
    void releaseBelow(int index);

    /** Forgets every held frame: the next frame starts a stream. */
    void clear();
}
