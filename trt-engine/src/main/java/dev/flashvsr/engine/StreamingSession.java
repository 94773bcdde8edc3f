package dev.flashvsr.engine;

/**
 * One open stream of one model on one backend: frames go in one at a time, upscaled frames come
 * out in the same order, one per input frame, after at most {@link #latencyFrames()} further
 * inputs. Not thread-safe: a caller drives a session from one thread at a time.
 */
public interface StreamingSession extends AutoCloseable {

    StreamSpec spec();

    /**
     * Feeds one input frame and emits zero or more finished output frames to the sink. The input
     * frame is valid only during this call; a session that holds it for later copies it.
     *
     * @throws IllegalArgumentException when the frame's format or size is not the one the session
     *     was opened for
     */
    void push(VideoFrame input, FrameSink sink) throws EngineException;

    /** Emits every frame still held, at end of stream. The session then accepts new input. */
    void drain(FrameSink sink) throws EngineException;

    /** Drops every held frame and all streaming state, after a flush or discontinuity. */
    void reset();

    /** How many input frames this session holds before it emits their output, in steady state. */
    int latencyFrames();

    /** How many input frames are held right now, waiting for their output. */
    int heldFrames();

    @Override
    void close();
}
