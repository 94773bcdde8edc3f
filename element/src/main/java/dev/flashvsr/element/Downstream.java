package dev.flashvsr.element;

import dev.flashvsr.engine.FrameSink.FrameRenderer;

/**
 * Where the {@link StreamProcessor} sends what leaves the element. The GStreamer element pushes
 * buffers and events on its source pad; tests record them.
 *
 * @param <E> the event handle type
 */
public interface Downstream<E> {

    /**
     * Allocates an output frame, lets the renderer fill it, stamps the timing and pushes it.
     *
     * @return false when downstream refused it (flushing, EOS, not linked, error)
     */
    boolean pushFrame(FrameRenderer renderer, FrameTiming timing);

    /** Forwards an event that was held back to keep its place among the frames. */
    void pushEvent(E event);

    /** Releases an event that will not be forwarded (dropped by a flush). */
    void discardEvent(E event);

    /**
     * A warning from the session about the frames it produces (not an error: the stream goes on).
     * The GStreamer element posts it on the bus; other sinks may ignore it.
     */
    default void warning(String message) {
    }
}
