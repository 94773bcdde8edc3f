package dev.flashvsr.tools;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.glib.Natives;

/**
 * Carries the input's creation time (its global {@code datetime} tag) into a Matroska output,
 * whose muxer would otherwise write the time of writing: the muxer's {@code creation-time}
 * property. mp4mux and qtmux 1.22 have no such property and always write the current time.
 */
final class CreationTime {
    private static final int TAG_SCOPE_GLOBAL = 1;

    private CreationTime() {
    }

    /**
     * Watches a demuxer pad's tags. Tags precede the pad's first buffer, and the muxer writes its
     * header only once every stream has sent one, so the property is set in time.
     */
    static void copy(Pad pad, Element mux) {
        if (!GstSupport.hasProperty(mux, "creation-time")) {
            return;
        }
        pad.addProbe(PadProbeType.EVENT_DOWNSTREAM, (p, info) -> {
            Structure s = info.getEvent().getStructure();
            if (s != null && s.getName().startsWith("GstTagList")) {
                set(mux, Natives.getRawPointer(info.getEvent()));
            }
            return PadProbeReturn.OK;
        });
    }

    private static void set(Element mux, Pointer tagEvent) {
        StreamNative gst = StreamNative.GST;
        PointerByReference tags = new PointerByReference();
        gst.gst_event_parse_tag(tagEvent, tags);
        PointerByReference when = new PointerByReference();
        if (tags.getValue() == null || gst.gst_tag_list_get_scope(tags.getValue()) != TAG_SCOPE_GLOBAL
                || !gst.gst_tag_list_get_date_time(tags.getValue(), "datetime", when)) {
            return;
        }
        try {
            // Only a full date and time makes a GDateTime (a year alone does not).
            Pointer dateTime = gst.gst_date_time_to_g_date_time(when.getValue());
            if (dateTime != null) {
                gst.g_object_set(mux, "creation-time", dateTime, null);
                gst.g_date_time_unref(dateTime);
            }
        } finally {
            gst.gst_date_time_unref(when.getValue());
        }
    }
}
