package dev.flashvsr.tools;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import org.freedesktop.gstreamer.Pad;

/** The tag events stored on a pad: demuxers send a stream's tags before its first buffer. */
final class StickyTags {
    /** GST_EVENT_TAG: number 80, flags downstream | serialized | sticky | sticky-multi. */
    private static final int TAG_EVENT_TYPE = (80 << 8) | 2 | 4 | 8 | 16;
    /** A demuxer sends one tag event per scope (stream, global): a handful at most. */
    private static final int MAX_TAG_EVENTS = 4;

    private StickyTags() {
    }

    /** The pad's tag events in the order they came, each a reference the caller must unref. */
    static List<Pointer> events(Pad pad) {
        List<Pointer> events = new ArrayList<>();
        for (int i = 0; i < MAX_TAG_EVENTS; i++) {
            Pointer event = StreamNative.GST.gst_pad_get_sticky_event(pad, TAG_EVENT_TYPE, i);
            if (event == null) {
                break;
            }
            events.add(event);
        }
        return events;
    }
}
