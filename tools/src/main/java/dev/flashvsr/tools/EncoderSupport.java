package dev.flashvsr.tools;

import java.util.Set;

/** What {@link EncoderChoice} asks of GStreamer, so that its order of choice is tested without the hardware. */
interface EncoderSupport {

    /** Whether GStreamer has an element factory of that name. */
    boolean installed(String factory);

    /** The raw video formats an installed encoder takes (from its sink pad template). */
    Set<String> inputFormats(String factory);

    /**
     * Null when an installed encoder starts (reaches READY, where hardware encoders open their
     * device), otherwise why it did not.
     */
    String startFailure(String factory);
}
