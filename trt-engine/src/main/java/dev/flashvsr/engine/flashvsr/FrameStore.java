package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameSink;
import dev.flashvsr.engine.VideoFrame;

/**
 * A FlashVSR session's frames from its 8-bit input frames to its 8-bit output frames: the
 * stream's frames ({@link StreamFrames}) plus the way in (prepare an input frame) and out (write
 * a finished output frame into the sink's frame). On the host ({@link HostFrameStore}) or on the
 * GPU the graphs run on.
 */
public interface FrameStore extends StreamFrames, AutoCloseable {
    /** Prepares the 8-bit input frame as the model's input and holds it as input {@code index}. */
    void put(int index, VideoFrame input) throws EngineException;

    /** Holds input {@code from} again as input {@code index} (the drain repeats the last frame). */
    void repeat(int from, int index) throws EngineException;

    /**
     * Hands output frame {@code i} of the last finished chunk, which is the stream's frame
     * {@code index}, to {@code sink} as an 8-bit frame of the session's format and output size.
     *
     * @return false when the sink stopped accepting frames
     */
    boolean emit(int i, int index, FrameSink sink) throws EngineException;

    @Override
    void close();
}
