package dev.flashvsr.engine;

/**
 * Receives a session's finished output frames, exactly one per input frame and in input order.
 * The sink owns the destination memory: it provides a frame of the output size and format, the
 * renderer fills it.
 */
@FunctionalInterface
public interface FrameSink {

    /** Writes one finished output frame into destination memory the sink chooses. */
    @FunctionalInterface
    interface FrameRenderer {
        void renderInto(VideoFrame destination);
    }

    /**
     * Called once per output frame, in input order. The renderer must be used before this call
     * returns; it may read the input frame of the current {@code push}.
     *
     * @return false when downstream no longer accepts frames (flushing, error): the session stops
     *         producing for this call
     */
    boolean frameReady(FrameRenderer renderer);

    /**
     * Something the user should know about the frames being produced that is not an error (for
     * example that part of a replayed run uses generated noise). Sinks that cannot report it
     * ignore it.
     */
    default void warning(String message) {
    }
}
