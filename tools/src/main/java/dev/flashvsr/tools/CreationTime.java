package dev.flashvsr.tools;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.time.Instant;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Pad;

/**
 * The input's creation time (its global {@code datetime} tag). A Matroska output gets it through
 * the muxer's {@code creation-time} property; mp4mux and qtmux 1.22 have no such property and
 * write the time of writing, which {@link OutputMetadata} replaces after muxing ({@link #value()}).
 */
final class CreationTime {
    private final Element mux;
    private final boolean muxerTakesIt;
    private volatile Instant value;

    CreationTime(Element mux) {
        this.mux = mux;
        this.muxerTakesIt = GstSupport.hasProperty(mux, "creation-time");
    }

    /**
     * Watches a demuxer pad's tags. Tags precede the pad's first buffer, and the muxer writes its
     * header only once every stream has sent one, so the property is set in time.
     */
    void watch(Pad pad) {
        TagEvents.watch(pad, this::read);
    }

    /** The input's creation time, or null when it has none (or only a date without a time of day). */
    Instant value() {
        return value;
    }

    private void read(Pointer tags) {
        StreamNative gst = StreamNative.GST;
        PointerByReference when = new PointerByReference();
        if (gst.gst_tag_list_get_scope(tags) != TagEvents.SCOPE_GLOBAL
                || !gst.gst_tag_list_get_date_time(tags, "datetime", when)) {
            return;
        }
        try {
            // Only a full date and time makes a GDateTime (a year alone does not).
            Pointer dateTime = gst.gst_date_time_to_g_date_time(when.getValue());
            if (dateTime != null) {
                value = Instant.ofEpochSecond(gst.g_date_time_to_unix(dateTime));
                if (muxerTakesIt) {
                    gst.g_object_set(mux, "creation-time", dateTime, null);
                }
                gst.g_date_time_unref(dateTime);
            }
        } finally {
            gst.gst_date_time_unref(when.getValue());
        }
    }
}
